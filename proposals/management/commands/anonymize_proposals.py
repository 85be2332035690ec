"""Remove personal data from proposals closed long ago."""

from django.core.management.base import BaseCommand

from proposals import conf
from proposals.services import proposals_anonymize


class Command(BaseCommand):
    help = (
        "Remove the name, e-mail, phone, IP addresses and attachments of closed proposals "
        "closed more than --days ago (default PROPOSALS_ANONYMIZE_AFTER_DAYS, 3 years)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="age in days since the proposal was closed")

    def handle(self, *args, days=None, **options):
        days = conf.anonymize_after_days() if days is None else days
        count = proposals_anonymize(actor=None, older_than_days=days)
        self.stdout.write(f"anonymised proposals: {count} (closed more than {days} days ago)")
