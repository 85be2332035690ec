"""Checks run before serving or testing: the database answers and the port
is free. Each problem ends with one clear line, not a traceback."""

from __future__ import annotations

import socket

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = "Check that the database is reachable and (optionally) that a port is free."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, help="a TCP port on 127.0.0.1 that must be free")

    def handle(self, *args, port=None, **options):
        settings_dict = connection.settings_dict
        where = settings_dict.get("HOST") or "local socket"
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except OperationalError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise CommandError(
                f"the database {settings_dict.get('NAME')!r} at {where} is unreachable ({first_line}); "
                "check DATABASE_URL or unset it to use the embedded server"
            ) from None
        if port is not None:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    raise CommandError(
                        f"port {port} on 127.0.0.1 is busy (another server is running?); "
                        f"stop it or choose another port: make run PORT={port + 1}"
                    ) from None
