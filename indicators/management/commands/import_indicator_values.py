"""Import indicator values from an XLSX file (the template of /reports/) from
the command line: the same checks as the web import, all rows or none."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.imports import import_preview, values_import
from indicators.models import Period


def period_from_code(code: str) -> Period:
    """2025, 2025-H1, 2025-Q3, 2025-2026 (academic year): Period.ensure_code."""
    try:
        return Period.ensure_code(code)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "Import indicator values for a period from an XLSX file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True, help="2025, 2025-H1, 2025-Q3 or 2025-2026")
        parser.add_argument("--user", required=True, help="the office member the import is recorded for")
        parser.add_argument("--approve", action="store_true", help="approve the values at once")
        parser.add_argument("--check", action="store_true", help="only check the file and list its errors")

    def handle(self, *args, file, period, user, approve, check, **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        target = period_from_code(period)
        with open(file, "rb") as source:
            preview = import_preview(actor=actor, source=source, period=target)
        for line, messages in preview.errors[:50]:
            self.stdout.write(f"row {line}: {'; '.join(str(m) for m in messages)}")
        if preview.errors:
            raise CommandError(f"{len(preview.errors)} errors; nothing was imported")
        if check:
            self.stdout.write(f"{len(preview.rows)} rows are correct")
            return
        self.stdout.write(f"applying {len(preview.rows)} rows …")
        self.stdout.flush()
        try:
            with open(file, "rb") as source:
                values_import(actor=actor, source=source, period=target, approve=approve)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"imported {len(preview.rows)} values for {target}")
