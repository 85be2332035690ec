"""The dashboard, indicator pages and the entry grid, for every role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Value, ValueStatus
from tests.indicators.factories import ValueFactory, quarter

pytestmark = pytest.mark.django_db


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_dashboard_is_public_and_shows_the_roll_up(client, reported, year_2025, municipality):
    response = client.get(reverse("indicators:dashboard"), {"period": year_2025.pk, "municipality": municipality.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<title" in html and "style=" not in html
    rows = {row["indicator"].code: row for row in response.context["rows"]}
    assert rows["T-TRAINED"]["r"].fact == Decimal(12)
    assert rows["T-SHARE"]["r"].percent == Decimal("93.3")
    assert response.context["counts"] == {"total": 2, "reported": 2}


def test_dashboard_lists_organisations_that_have_not_reported(client, reported, year_2025, region):
    from tests.factories import SchoolFactory

    silent = SchoolFactory(short_name="МОУ «СОШ № 99»", parent=reported[0].organization.municipality)
    response = client.get(reverse("indicators:dashboard"), {"period": year_2025.pk})
    assert silent in response.context["missing"]
    assert response.context["counts"] == {"total": 4, "reported": 3}


def test_drafts_never_reach_the_public_dashboard(client, periods, school_a, trained, year_2025):
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2025, 1), value=50, status=ValueStatus.DRAFT)
    response = client.get(reverse("indicators:dashboard"), {"period": year_2025.pk})
    rows = {row["indicator"].code: row for row in response.context["rows"]}
    assert rows["T-TRAINED"]["r"] is None


def test_indicator_page_shows_years_and_municipalities(client, reported, trained, year_2025, municipality):
    response = client.get(reverse("indicators:detail", args=[trained.code]), {"period": year_2025.pk})
    assert response.status_code == 200
    names = {row["name"]: row["r"].fact for row in response.context["across_rows"]}
    assert names == {"Управление образования г. Троицка": Decimal(12), "Управление образования г. Пласт": Decimal(100)}
    assert response.content.decode().count('role="img"') == 2


def test_unknown_indicator_is_404(client, periods):
    assert client.get(reverse("indicators:detail", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_dashboard_query_count_does_not_grow_with_data(
    client, django_assert_max_num_queries, periods, indicators, size
):
    from tests.factories import MunicipalityFactory, SchoolFactory

    for m in range(size):
        muni = MunicipalityFactory()
        for s in range(size):
            school = SchoolFactory(parent=muni)
            for indicator in indicators:
                for q in (1, 2, 3, 4):
                    ValueFactory(organization=school, indicator=indicator, period=quarter(2025, q), value=m + s + q)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("indicators:dashboard")).status_code == 200
    with django_assert_max_num_queries(20):  # one roll-up per year 2022–2026
        assert client.get(reverse("indicators:detail", args=[indicators[0].code])).status_code == 200


def test_query_counts_are_equal_at_two_sizes(client, periods, indicators):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MunicipalityFactory, SchoolFactory

    counts = []
    for size in (1, 5):
        muni = MunicipalityFactory()
        for s in range(size):
            school = SchoolFactory(parent=muni)
            for indicator in indicators:
                for q in (1, 2, 3, 4):
                    ValueFactory(organization=school, indicator=indicator, period=quarter(2025, q), value=s + q)
        measured = []
        for url in (reverse("indicators:dashboard"), reverse("indicators:detail", args=[indicators[0].code])):
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            measured.append(len(ctx.captured_queries))
        counts.append(measured)
    assert counts[0] == counts[1]


# --- entry grid -------------------------------------------------------------------------


def test_entry_needs_login(client):
    response = client.get(reverse("indicators:entry"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["official", "regional_official", "office"])
def test_entry_is_for_coordinators(client, request, who, periods):
    assert login(client, request.getfixturevalue(who)).get(reverse("indicators:entry")).status_code == 403


def test_coordinator_fills_the_grid_and_submits(client, coordinator_a, school_a, periods, indicators):
    q2 = quarter(2025, 2)
    url = reverse("indicators:entry") + f"?organization={school_a.pk}&period={q2.pk}"
    login(client, coordinator_a)
    page = client.get(url)
    assert page.status_code == 200 and "T-TRAINED" in page.content.decode()
    data = {f"value_{i.pk}": v for i, v in zip(indicators, ["4", "55,5", "12"], strict=True)} | {"action": "save"}
    assert client.post(url, data).status_code == 302
    assert set(Value.objects.filter(period=q2).values_list("status", flat=True)) == {ValueStatus.DRAFT}
    assert Value.objects.get(period=q2, indicator=indicators[1]).value == Decimal("55.5")
    client.post(url, data | {"action": "submit"})
    assert set(Value.objects.filter(period=q2).values_list("status", flat=True)) == {ValueStatus.SUBMITTED}


def test_grid_refuses_a_percentage_above_100(client, coordinator_a, school_a, periods, indicators):
    q2 = quarter(2025, 2)
    url = reverse("indicators:entry") + f"?organization={school_a.pk}&period={q2.pk}"
    response = login(client, coordinator_a).post(url, {f"value_{indicators[1].pk}": "120", "action": "save"})
    assert response.status_code == 200 and not Value.objects.exists()


def test_coordinator_cannot_open_another_schools_grid(client, coordinator_b, school_a, periods, indicators):
    ValueFactory(organization=school_a, indicator=indicators[0], period=quarter(2025, 2), status=ValueStatus.DRAFT)
    url = reverse("indicators:entry") + f"?organization={school_a.pk}&period={quarter(2025, 2).pk}"
    response = login(client, coordinator_b).get(url)
    # The chooser rejects an organisation outside the coordinator's scope: their own grid is shown.
    assert response.status_code == 200 and response.context["organization"] != school_a


def test_approved_values_are_read_only_in_the_grid(client, coordinator_a, school_a, periods, trained):
    q2 = quarter(2025, 2)
    ValueFactory(organization=school_a, indicator=trained, period=q2, value=3, status=ValueStatus.APPROVED)
    url = reverse("indicators:entry") + f"?organization={school_a.pk}&period={q2.pk}"
    login(client, coordinator_a).post(url, {f"value_{trained.pk}": "9", "action": "submit"})
    value = Value.objects.get()
    assert (value.value, value.status) == (3, ValueStatus.APPROVED)


def test_grid_shows_every_value_of_the_organisation_and_only_drafts_are_editable(
    client, coordinator_a, school_a, school_b, periods, indicators
):
    trained, share, waiting = indicators
    q2 = quarter(2025, 2)
    ValueFactory(organization=school_a, indicator=trained, period=q2, value=7, status=ValueStatus.SUBMITTED)
    ValueFactory(organization=school_a, indicator=share, period=q2, value=41, status=ValueStatus.DRAFT)
    ValueFactory(organization=school_b, indicator=waiting, period=q2, value=13, status=ValueStatus.DRAFT)
    url = reverse("indicators:entry") + f"?organization={school_a.pk}&period={q2.pk}"
    grid = login(client, coordinator_a).get(url).context["grid"]
    shown = {indicator.code: (field.value(), editable) for indicator, _v, field, _c, editable in grid.rows}
    # A value sent for review is not public yet, but its own school sees it (read only);
    # another school's draft never fills this school's grid.
    assert shown == {"T-TRAINED": (7, False), "T-SHARE": (41, True), "T-WAIT": (None, True)}
