"""Settings of «Решаем вместе». Each comes from an environment variable and can
be overridden in Django settings (tests use the ``settings`` fixture); all are
read at call time, never cached at import."""

from __future__ import annotations

from pathlib import Path

import environ
from django.conf import settings

env = environ.Env()

_DEFAULTS = {
    # name: (type, default)
    "PROPOSALS_RATE_LIMIT_PER_HOUR": (int, 5),
    "PROPOSALS_MIN_FILL_SECONDS": (int, 3),
    "PROPOSALS_MAX_ATTACHMENTS_BYTES": (int, 10 * 1024 * 1024),
    "PROPOSALS_CONSENT_VERSION": (str, "2026-01"),
    "PROPOSALS_ANONYMIZE_AFTER_DAYS": (int, 3 * 365),
    "PROPOSALS_ANSWER_DAYS": (int, 30),
}

MAX_ATTACHMENTS = 3
TEXT_MIN_LENGTH = 10
TEXT_MAX_LENGTH = 5000
# How long a filled-in form may stay open before its time stamp expires.
FORM_MAX_AGE_SECONDS = 24 * 3600


def _get(name: str):
    kind, default = _DEFAULTS[name]
    value = getattr(settings, name, None)
    if value is not None:
        return kind(value)
    return env.int(name, default=default) if kind is int else env.str(name, default=default)


def rate_limit_per_hour() -> int:
    """Proposals accepted from one IP address per hour; 0 lifts the limit."""
    return _get("PROPOSALS_RATE_LIMIT_PER_HOUR")


def min_fill_seconds() -> int:
    """A form sent faster than this after it was shown is a robot's."""
    return _get("PROPOSALS_MIN_FILL_SECONDS")


def max_attachments_bytes() -> int:
    return _get("PROPOSALS_MAX_ATTACHMENTS_BYTES")


def consent_version() -> str:
    """The version of the 152-ФЗ consent text shown on the form (stored with each consent)."""
    return _get("PROPOSALS_CONSENT_VERSION")


def anonymize_after_days() -> int:
    return _get("PROPOSALS_ANONYMIZE_AFTER_DAYS")


def answer_days() -> int:
    """The response deadline in days from registration."""
    return _get("PROPOSALS_ANSWER_DAYS")


def office_email() -> str:
    """PROPOSALS_OFFICE_EMAIL (read in settings), else the office's address."""
    return getattr(settings, "PROPOSALS_OFFICE_EMAIL", "") or settings.OFFICE_EMAIL


def files_root() -> Path:
    """Where attachments live: outside MEDIA_ROOT, never served by URL."""
    value = getattr(settings, "PROPOSALS_FILES_ROOT", None) or env.str("PROPOSALS_FILES_ROOT", default="")
    return Path(value) if value else settings.VAR_DIR / "private" / "proposals"
