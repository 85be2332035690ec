"""Daily (cron): remind those who still owe indicator values before the
deadline, and send the office the late list the day after."""

from django.core.management.base import BaseCommand

from indicators.deadlines import reminders_send


class Command(BaseCommand):
    help = "Send the reminders about indicator deadlines that are due today (run daily; never sends one twice)."

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(f"reminders queued: {count}")
