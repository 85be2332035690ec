from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from leanedu.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.VAR_DIR / "backups"), help="folder for backups")

    def handle(self, *args, output, **options):
        try:
            target = make_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {target}")
