"""Dates in files, mails and PDFs: ДД.ММ.ГГГГ in local time, whatever language is active."""

import datetime

from django.test import override_settings
from django.utils import translation

from leanedu.formats import ru_date, ru_date_time

# 20:30 UTC on 31 December is already New Year's Day in Troitsk (UTC+5).
LATE_EVENING_UTC = datetime.datetime(2025, 12, 31, 20, 30, tzinfo=datetime.UTC)


@override_settings(TIME_ZONE="Asia/Yekaterinburg")
def test_a_moment_is_dated_in_local_time():
    assert ru_date(LATE_EVENING_UTC) == "01.01.2026"
    assert ru_date_time(LATE_EVENING_UTC) == "01.01.2026 01:30"


def test_a_date_reads_the_same_in_any_language():
    with translation.override("en"):
        assert ru_date(datetime.date(2026, 3, 5)) == "05.03.2026"


def test_no_date_is_an_empty_cell():
    assert ru_date(None) == "" and ru_date_time(None) == ""
