import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leanedu.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup folder (replaces current data). "
        "Registration numbers issued since the backup are never reused, mail waiting in the backup "
        "is not sent twice, and old proposals are anonymised again."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation (scripts, no terminal)")

    def handle(self, *args, folder, yes, **options):
        source = Path(folder)
        if not (source / "db.dump").exists():
            raise CommandError(f"{source} is not a backup folder (no db.dump in it)")
        if not yes:
            if not sys.stdin or not sys.stdin.isatty():
                raise CommandError(
                    "no terminal to confirm on: add --yes (make restore BACKUP=… YES=1) to replace the data"
                )
            try:
                answer = input(f"Replace the current database and files with {source}? Type 'yes': ")
            except EOFError:
                answer = ""
            if answer.strip() != "yes":
                raise CommandError("cancelled")
        try:
            restore_backup(source, report=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored from {source}")
