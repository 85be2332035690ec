"""Choosing a period (issue 11, item 5): every chooser groups the periods by
year, newest first, leaves out the periods that have not begun, and opens on
the latest calendar year with approved values."""

import re

import pytest
from django.urls import reverse

from indicators.models import Period, PeriodKind, ValueStatus
from tests.factories import UserFactory
from tests.indicators.factories import ValueFactory, period, quarter

pytestmark = pytest.mark.django_db


def chooser(html: str, name: str = "period") -> list[tuple[str, list[str]]]:
    """The <select name=…> as [(group label, [option labels…]), …]."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    return [(label, re.findall(r"<option [^>]*>([^<]*)</option>", body)) for label, body in groups]


def selected(html: str, name: str = "period") -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r"<option [^>]*selected[^>]*>([^<]*)</option>", select).group(1)


@pytest.fixture
def years(db):
    """2024 and 2025 in full, and a year that has not begun (the migrations' periods removed)."""
    Period.objects.all().delete()
    Period.ensure_year(2024)
    Period.ensure_year(2025)
    Period.ensure(PeriodKind.YEAR, 2099)
    Period.ensure(PeriodKind.QUARTER, 2099, 4)


def test_dashboard_chooser_is_grouped_by_year_newest_first(client, years):
    groups = chooser(client.get(reverse("indicators:dashboard")).content.decode())
    assert [label for label, _options in groups] == ["2025", "2024"]  # 2099 has not begun
    assert groups[0][1] == [
        "2025 год",
        "2025/2026 учебный год",
        "II полугодие 2025 года",
        "I полугодие 2025 года",
        "IV квартал 2025 года",
        "III квартал 2025 года",
        "II квартал 2025 года",
        "I квартал 2025 года",
    ]


def test_pages_open_on_the_latest_year_with_approved_values(client, years, school_a, trained):
    # 2025 exists but has nothing approved; 2024 has one approved quarter and a draft in 2025.
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2024, 2), status=ValueStatus.APPROVED)
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2025, 1), status=ValueStatus.DRAFT)
    dashboard = client.get(reverse("indicators:dashboard"))
    assert dashboard.context["period"] == period("year", 2024)
    assert selected(dashboard.content.decode()) == "2024 год"
    detail = client.get(reverse("indicators:detail", args=[trained.code]))
    assert detail.context["period"] == period("year", 2024)


def test_without_approved_values_the_latest_begun_period(client, years):
    response = client.get(reverse("indicators:dashboard"))
    assert response.context["period"] == quarter(2025, 4)


def test_reports_chooser_and_default(client, years, school_a, trained):
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2025, 3), status=ValueStatus.APPROVED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("reports:index"))
    html = response.content.decode()
    assert response.context["period"] == period("year", 2025)
    assert selected(html) == "2025 год"
    assert [label for label, _options in chooser(html)] == ["2025", "2024"]


def test_admin_year_filters_list_the_newest_year_first(client, years, school_a, trained):
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2024, 2), status=ValueStatus.APPROVED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:indicators_value_changelist"),
        reverse("admin:indicators_target_changelist"),
        reverse("admin:indicators_period_changelist"),
    ):
        html = client.get(url).content.decode()
        years_listed = re.findall(r"[?&](?:period__)?year=(\d{4})", html)
        assert years_listed[:3] == ["2099", "2025", "2024"], url
    filtered = client.get(reverse("admin:indicators_value_changelist"), {"period__year": "2024"})
    assert filtered.status_code == 200
    assert len(filtered.context["cl"].result_list) == 1
