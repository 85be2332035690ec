from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from leanedu.backup import BackupError, make_backup, prune_backups


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into a new folder (0700, files 0600), "
        "then delete backups older than BACKUP_RETENTION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.BACKUP_ROOT), help="folder for backups")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=settings.BACKUP_RETENTION_DAYS,
            help="delete backups older than this many days (the newest always stays)",
        )

    def handle(self, *args, output, keep_days, **options):
        try:
            target = make_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {target}")
        for old in prune_backups(Path(output), keep_days):
            self.stdout.write(f"old backup deleted: {old}")
