"""The one entry point for scheduled work (see leanedu/periodic.py)."""

from django.core.management.base import BaseCommand, CommandError

from leanedu import periodic


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of a schedule: frequent (every 5 minutes: mail retries), "
        "nightly (02:30: anonymisation, sessions, task results, delivered mail, backup and rotation), "
        "morning (07:00: overdue digest). --job NAME runs single jobs; --list shows them."
    )

    def add_arguments(self, parser):
        parser.add_argument("schedule", nargs="?", choices=periodic.SCHEDULES)
        parser.add_argument("--job", action="append", default=[], help="run only this job (repeatable)")
        parser.add_argument("--list", action="store_true", dest="list_jobs", help="list the jobs and their schedules")

    def handle(self, *args, schedule=None, job=(), list_jobs=False, **options):
        jobs = periodic.all_jobs()
        if list_jobs:
            for item in jobs:
                self.stdout.write(f"{item.schedule:9} {periodic.WHEN[item.schedule]:16} {item.name}")
            return
        known = {item.name for item in jobs}
        unknown = sorted(set(job) - known)
        if unknown:
            raise CommandError(f"unknown job: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        if not schedule and not job:
            raise CommandError("name a schedule (frequent, nightly, morning) or --job NAME")
        failed = periodic.run(schedule, list(job) or None, report=self.stdout.write)
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
