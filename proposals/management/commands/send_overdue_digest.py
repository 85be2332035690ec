"""Daily: e-mail the office the list of proposals past their answer date."""

from django.core.management.base import BaseCommand

from proposals.services import overdue_digest_send


class Command(BaseCommand):
    help = "E-mail the project office a digest of overdue proposals (run daily by a scheduler)."

    def handle(self, *args, **options):
        count = overdue_digest_send(actor=None)
        self.stdout.write(f"overdue proposals: {count}" + ("" if count else " (no e-mail sent)"))
