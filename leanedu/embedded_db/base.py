"""PostgreSQL backend that starts (or attaches to) the embedded server on the
first connection and fills in where it listens."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import OperationalError
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper

from leanedu.embedded_db import EmbeddedDatabaseError, embedded_database_settings

_lock = threading.Lock()
_started: dict[str, dict] = {}


def server_settings(name: str) -> dict:
    """Host, port and user of the embedded server, started once per process."""
    with _lock:
        if name not in _started:
            _started[name] = embedded_database_settings(settings.VAR_DIR, name)
        return _started[name]


class DatabaseWrapper(PostgresDatabaseWrapper):
    def get_connection_params(self):
        # The server must hold the application database (this connection may be
        # to test_… or to the "postgres" database Django opens to create it).
        try:
            found = server_settings(settings.EMBEDDED_DB_NAME)
        except EmbeddedDatabaseError as exc:
            raise OperationalError(str(exc)) from exc
        # In place: backups and messages read the same dictionary.
        for key in ("HOST", "PORT", "USER", "PASSWORD"):
            self.settings_dict[key] = found[key]
        return super().get_connection_params()
