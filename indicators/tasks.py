"""Background work of the indicators app (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders() -> int:
    """The daily reminders about deadlines, for the task worker (same as the
    ``send_indicator_reminders`` command)."""
    from indicators.deadlines import reminders_send

    return reminders_send()
