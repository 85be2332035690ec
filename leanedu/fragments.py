"""Rendered fragments of the public pages, cached for anonymous visitors and
keyed by content versions, so a cached page is never stale after a change.

A version is a random token per tracked app in ``leanedu_content_version``,
replaced by a statement-level PostgreSQL trigger on every table of the app
(installed after each ``migrate``, so a new table is tracked too). The token
changes in the same transaction as the data: a reader that sees the new token
also sees the new data, and one that read the old token before the commit can
only fill the old key. Triggers rather than calls in the services because the
admin, the imports, ``seed_demo`` and bulk updates write these tables too; a
random token (not a counter) cannot come back after a rollback or a restore.

Keys also carry ``release()``, a digest of the templates and static files,
so that HTML made by the code before an upgrade is never served by the code
after it from a shared cache.

Only anonymous visitors share fragments: what a signed-in user sees depends on
their scope. The fragment holds no CSRF token (the page around it does)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.utils import get_app_template_dirs
from django.utils import timezone
from django.utils.translation import get_language

# Version name → app labels whose tables bump it.
TRACKED = {
    "documents": ["documents"],
    "projects": ["projects"],
    "indicators": ["indicators"],
    "organizations": ["leanedu.Organization"],
}
TIMEOUT = 24 * 3600

INSTALL = """
CREATE TABLE IF NOT EXISTS leanedu_content_version (name varchar(30) PRIMARY KEY, token text NOT NULL);
CREATE OR REPLACE FUNCTION leanedu_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO leanedu_content_version (name, token) VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$;
"""


def _tables(targets: list[str]) -> list[str]:
    tables = []
    for target in targets:
        if "." in target:
            tables.append(apps.get_model(target)._meta.db_table)
            continue
        for model in apps.get_app_config(target).get_models():
            if model._meta.managed and not model._meta.proxy and "historical" not in model._meta.db_table:
                tables.append(model._meta.db_table)
    return tables


def install_triggers(sender=None, using="default", **kwargs) -> None:
    """post_migrate (sent per app once every migration has run; acted on once):
    the version table and a trigger on every tracked table (idempotent)."""
    from django.db import connections

    if sender is not None and sender.name != "leanedu":
        return
    with connections[using].cursor() as cursor:
        cursor.execute(INSTALL)
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        existing = {name for (name,) in cursor.fetchall()}
        for name, targets in TRACKED.items():
            for table in _tables(targets):
                if table not in existing:
                    continue
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER leanedu_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {connection.ops.quote_name(table)} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION leanedu_content_changed('{name}')"
                )
            cursor.execute(
                "INSERT INTO leanedu_content_version (name, token) VALUES (%s, md5(random()::text)) "
                "ON CONFLICT (name) DO NOTHING",
                [name],
            )


@functools.cache
def release() -> str:
    """A digest of the templates and static files the running code renders
    with, computed once per process. It is part of the key of every cached
    page or fragment, so that after an upgrade a shared cache (Redis) never
    serves HTML made by the previous templates; servers running the same code
    share their entries."""
    digest = hashlib.sha1()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    folders += [Path(folder) for folder in get_app_template_dirs("templates")]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    try:
        from django.contrib.staticfiles.storage import staticfiles_storage

        digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    except (OSError, ValueError):  # no manifest (collectstatic not run): the static URLs are plain
        pass
    return digest.hexdigest()[:12]


def versions(names: Iterable[str]) -> str | None:
    """The current tokens of ``names`` joined, or None if one is missing (then nothing is cached)."""
    names = sorted(names)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, token FROM leanedu_content_version WHERE name = ANY(%s)", [names])
        tokens = dict(cursor.fetchall())
    if len(tokens) != len(names):
        return None
    return ".".join(tokens[name] for name in names)


_UNREAD = object()


def cached_by_versions(depends_on: Iterable[str], name: str, compute: Callable[[], object], *, token=_UNREAD):
    """``compute()``, cached until one of ``depends_on`` changes (a choice list,
    say): one primary-key read of the versions instead of the query. Without a
    version it computes without caching. A caller that has read the versions
    already passes them as ``token`` (one read per request, not one per list)."""
    if token is _UNREAD:
        token = versions(depends_on)
    if token is None:
        return compute()
    key = f"value:{name}:{token}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def render_with_fragment(
    request: HttpRequest,
    template: str,
    fragment: str,
    build: Callable[[], dict],
    *,
    depends_on: Iterable[str],
    context: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``template`` around ``fragment``. ``build`` makes the fragment's
    context; for an anonymous visitor the rendered fragment is cached under
    the versions of ``depends_on``, the language, the date and the full path, and
    ``build`` is not called at all on a hit."""
    page = dict(context or {})
    key = None
    if not request.user.is_authenticated:
        token = versions(depends_on)
        if token is not None:
            path = hashlib.sha1(request.get_full_path().encode()).hexdigest()
            # Today's date too: a default period and "active on" figures follow the calendar.
            key = f"fragment:{fragment}:{release()}:{get_language()}:{timezone.localdate().isoformat()}:{token}:{path}"
            html = cache.get(key)
            if html is not None:
                page["fragment"] = html
                return render(request, template, page, status=status)
    built = build()
    html = render_to_string(fragment, built, request)
    if key is not None:
        cache.set(key, html, TIMEOUT)
    page.update(built, fragment=html)
    return render(request, template, page, status=status)
