from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leanedu.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup folder (replaces current data)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, folder, yes, **options):
        source = Path(folder)
        if not yes:
            answer = input(f"Replace the current database and files with {source}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("cancelled")
        try:
            restore_backup(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored from {source}")
