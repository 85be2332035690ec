"""How a date is written in what the portal hands out — exports, mails, PDFs,
admin columns, file names: ДД.ММ.ГГГГ (and ДД.ММ.ГГГГ ЧЧ:ММ to the minute).

Fixed on purpose, not Django's ``date_format``: that follows the active
language, and a file or a letter reads the same whoever made it. Pages use
the template filter ``date:"SHORT_DATE_FORMAT"``, which gives the same text in
Russian."""

from __future__ import annotations

import datetime

from django.utils import timezone

DATE = "%d.%m.%Y"
DATE_TIME = "%d.%m.%Y %H:%M"


def _local(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def ru_date(value: datetime.date | None) -> str:
    """«27.11.2026»; a moment is dated in local time; no date, an empty string."""
    return _local(value).strftime(DATE) if value else ""


def ru_date_time(value: datetime.datetime | None) -> str:
    """«27.11.2026 23:05», local time; no moment, an empty string."""
    return _local(value).strftime(DATE_TIME) if value else ""
