"""Settings of «Решаем вместе». Each is a Django setting that leanedu/settings.py
reads from the environment (the README lists them); tests change them with the
``settings`` fixture. Read at call time, never cached at import."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

MAX_ATTACHMENTS = 3
TEXT_MIN_LENGTH = 10
TEXT_MAX_LENGTH = 5000
# How long a filled-in form may stay open before its time stamp expires.
FORM_MAX_AGE_SECONDS = 24 * 3600


def rate_limit_per_hour() -> int:
    """Proposals accepted from one IP address per hour; 0 lifts the limit."""
    return settings.PROPOSALS_RATE_LIMIT_PER_HOUR


def min_fill_seconds() -> int:
    """A form sent faster than this after it was shown is a robot's."""
    return settings.PROPOSALS_MIN_FILL_SECONDS


def max_attachments_bytes() -> int:
    return settings.PROPOSALS_MAX_ATTACHMENTS_BYTES


def consent_version() -> str:
    """The version of the 152-ФЗ consent text shown on the form (stored with each consent)."""
    return settings.PROPOSALS_CONSENT_VERSION


def anonymize_after_days() -> int:
    return settings.PROPOSALS_ANONYMIZE_AFTER_DAYS


def answer_days() -> int:
    """The response deadline in days from registration."""
    return settings.PROPOSALS_ANSWER_DAYS


def office_email() -> str:
    return settings.PROPOSALS_OFFICE_EMAIL or settings.OFFICE_EMAIL


def files_root() -> Path:
    """Where attachments live: outside MEDIA_ROOT, never served by URL."""
    return Path(settings.PROPOSALS_FILES_ROOT)
