"""Retry e-mails that could not be sent (run every few minutes by a scheduler)."""

from django.core.management.base import BaseCommand

from leanedu.mail import deliver_pending


class Command(BaseCommand):
    help = "Send e-mails waiting in the outbox whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also those whose next attempt is not due yet")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, **options):
        sent, pending = deliver_pending(limit=options["limit"], include_not_due=options["all"])
        self.stdout.write(f"sent: {sent}, still waiting: {pending}")
