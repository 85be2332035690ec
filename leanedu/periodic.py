"""The periodic jobs, in one place and on one schedule (``manage.py
run_periodic SCHEDULE``; the cron lines and systemd timers in
docs/deploy.md call it).

- ``frequent`` (every 5 minutes): retry mail that failed, with back-off.
- ``nightly`` (02:30, the app's time zone): anonymise old proposals, drop
  expired sessions, old task results and delivered outbox rows, then back up
  and rotate old backups — anonymisation first, so the new backup no longer
  holds what it removed.
- ``morning`` (07:00): the office's digest of overdue proposals.

Apps add their jobs through a ``periodic_jobs()`` method on their AppConfig,
as they add backup folders through ``backup_roots()``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

SCHEDULES = ("frequent", "nightly", "morning")
# When each schedule runs: the one source for the docs' cron lines and timers.
WHEN = {"frequent": "every 5 minutes", "nightly": "02:30", "morning": "07:00"}


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str
    run: Callable[[], str]
    order: int = 50


def retry_mail() -> str:
    from leanedu.mail import deliver_pending

    sent, pending = deliver_pending()
    return f"sent {sent}, still waiting {pending}"


def clear_sessions() -> str:
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    try:
        engine.SessionStore.clear_expired()
    except NotImplementedError:
        return "nothing to do (this session store expires sessions itself)"
    return "expired sessions removed"


def prune_task_results() -> str:
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"{deleted} finished task results older than {settings.TASK_RESULTS_KEEP_DAYS} days removed"


def prune_outbox() -> str:
    from leanedu.models import OutgoingEmail

    cutoff = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT, sent_at__lt=cutoff).delete()
    return f"{deleted} delivered e-mails older than {settings.OUTBOX_KEEP_DAYS} days removed"


def backup_and_rotate() -> str:
    from leanedu.backup import make_backup, prune_backups

    target = make_backup(settings.BACKUP_ROOT)
    removed = prune_backups(settings.BACKUP_ROOT, settings.BACKUP_RETENTION_DAYS)
    return f"backup written to {target}, {len(removed)} old backups deleted"


def all_jobs() -> list[Job]:
    from django.apps import apps

    jobs = [
        Job("mail", "frequent", retry_mail),
        Job("sessions", "nightly", clear_sessions),
        Job("task_results", "nightly", prune_task_results),
        Job("outbox", "nightly", prune_outbox),
        Job("backup", "nightly", backup_and_rotate, order=100),
    ]
    for config in apps.get_app_configs():
        if hasattr(config, "periodic_jobs"):
            jobs.extend(config.periodic_jobs())
    return sorted(jobs, key=lambda job: (job.order, job.name))


def run(schedule: str | None = None, names: list[str] | None = None, report=print) -> list[str]:
    """Run the jobs of ``schedule`` (or those named); one failing job does not
    stop the others. Returns the names of the jobs that failed."""
    failed = []
    for job in all_jobs():
        if (names and job.name not in names) or (not names and job.schedule != schedule):
            continue
        try:
            report(f"{job.name}: {job.run()}")
        except Exception as exc:
            logger.exception("periodic job %s failed", job.name)
            report(f"{job.name}: FAILED ({exc.__class__.__name__}: {exc})")
            failed.append(job.name)
    return failed
