"""Settings of the projects app, with their defaults.

Override any of them in the environment-driven settings module; nothing here
reads the environment itself."""

from __future__ import annotations

from django.conf import settings


def showcase_page_size() -> int:
    return int(getattr(settings, "PROJECTS_SHOWCASE_PAGE_SIZE", 12))


def pilot_sites_page_size() -> int:
    return int(getattr(settings, "PROJECTS_PILOT_SITES_PAGE_SIZE", 24))


def office_notification_email() -> str:
    """Where "a project was submitted" e-mails go: the office's mailbox."""
    return getattr(settings, "PROJECTS_OFFICE_EMAIL", "") or settings.OFFICE_EMAIL
