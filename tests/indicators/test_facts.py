"""Facts, roll-ups and the computed indicators against hand-counted fixtures."""

import datetime
from decimal import Decimal

import pytest

from indicators.facts import computed_values, percent_of_target, rollup, rollup_periods, traffic_light
from indicators.models import Method, Value
from leanedu.models import Organization

pytestmark = pytest.mark.django_db

D = Decimal


def test_percent_of_target_for_both_directions():
    assert percent_of_target(D(7), D(10), "higher") == D("70.0")
    assert percent_of_target(D(15), D(10), "lower") == D("66.7")
    assert percent_of_target(None, D(10), "higher") is None
    assert traffic_light(D(100)) == "green" and traffic_light(D("80")) == "amber" and traffic_light(D("79.9")) == "red"


def test_roll_up_of_the_municipality_follows_the_rules(reported, indicators, year_2025, municipality):
    trained, share, waiting = indicators
    values = Value.objects.filter(organization__municipality=municipality)
    result = rollup(values, year_2025, {i.pk: i for i in indicators})
    # trained: quarters summed per school (7 and 5), schools summed
    assert (result[trained.pk].fact, result[trained.pk].target, result[trained.pk].baseline) == (D(12), D(20), D(3))
    assert result[trained.pk].percent == D("60.0")
    # share: the latest quarter per school (60 and 80), the mean across schools
    assert (result[share.pk].fact, result[share.pk].target, result[share.pk].baseline) == (D(70), D(75), D(15))
    assert result[share.pk].percent == D("93.3")
    # waiting: lower is better
    assert result[waiting.pk].fact == D(15) and result[waiting.pk].percent == D("66.7")


def test_an_exact_value_for_the_period_wins_over_its_quarters(reported, indicators, year_2025, school_a):
    from tests.indicators.factories import ValueFactory

    trained = indicators[0]
    ValueFactory(organization=school_a, indicator=trained, period=year_2025, value=9)
    result = rollup(Value.objects.filter(organization=school_a), year_2025, {trained.pk: trained})
    assert result[trained.pk].fact == D(9)


def test_roll_up_by_municipality(reported, indicators, year_2025, municipality, other_municipality):
    trained = indicators[0]
    result = rollup(Value.objects.all(), year_2025, {trained.pk: trained}, group_by="organization__municipality_id")
    assert result[(municipality.pk, trained.pk)].fact == D(12)
    assert result[(other_municipality.pk, trained.pk)].fact == D(100)
    assert result[(other_municipality.pk, trained.pk)].percent == D("200.0")


def test_a_quarter_uses_its_own_target_else_the_target_of_its_year(reported, indicators, school_a, municipality):
    from tests.indicators.factories import TargetFactory, quarter

    trained = indicators[0]
    TargetFactory(organization=school_a, indicator=trained, period=quarter(2025, 2), value=6, baseline_value=None)
    values = Value.objects.filter(organization__municipality=municipality)
    # Q2: only school_a reported (4); its own quarter target (6, no baseline) wins over the year's (10, 1)
    r = rollup(values, quarter(2025, 2), {trained.pk: trained})[trained.pk]
    assert (r.fact, r.target, r.baseline, r.reported) == (D(4), D(6), None, 1)
    # Q1: both schools (3 + 5) with their year targets (10 + 10) and baselines (1 + 2)
    r = rollup(values, quarter(2025, 1), {trained.pk: trained})[trained.pk]
    assert (r.fact, r.target, r.baseline, r.reported) == (D(8), D(20), D(3), 2)


def test_several_periods_roll_up_in_one_query_as_one_by_one(
    reported, indicators, year_2025, municipality, django_assert_num_queries
):
    from tests.indicators.factories import period, quarter

    values = Value.objects.filter(organization__municipality=municipality)
    by_id = {i.pk: i for i in indicators}
    periods = [year_2025, quarter(2025, 1), quarter(2025, 2), period("year", 2026)]
    with django_assert_num_queries(1):
        together = rollup_periods(values, periods, by_id, group_by="organization_id")

    def figures(rolled):
        return {key: (r.fact, r.target, r.baseline, r.reported, r.percent) for key, r in rolled.items()}

    for p in periods:
        assert figures(together[p.pk]) == figures(rollup(values, p, by_id, group_by="organization_id"))
    share = indicators[1]
    assert together[year_2025.pk][(reported[0].organization_id, share.pk)].fact == D(60)
    assert together[periods[-1].pk] == {}


@pytest.fixture
def registries(region, school_a, school_b, school_elsewhere):
    """Pilot sites and projects, counted by hand in the tests below."""
    from documents.models import Document
    from projects.models import PilotSite, Project, ProjectMetric

    def doc(number, status="in_force", until=None):
        return Document.objects.create(
            authority=region,
            number=number,
            date_signed=datetime.date(2023, 1, 1),
            title="О опорных площадках",
            status=status,
            effective_until=until,
        )

    in_force, repealed, expired = doc("1-р"), doc("2-р", "repealed"), doc("3-р", until=datetime.date(2025, 1, 1))
    d = datetime.date
    PilotSite.objects.create(organization=school_a, document=in_force, starts_on=d(2024, 1, 1))  # active
    PilotSite.objects.create(
        organization=school_a, document=in_force, starts_on=d(2025, 1, 1), level="regional"
    )  # active
    PilotSite.objects.create(organization=school_b, document=repealed, starts_on=d(2024, 1, 1))  # repealed
    PilotSite.objects.create(organization=school_b, document=in_force, starts_on=d(2023, 1, 1), ends_on=d(2024, 12, 31))
    PilotSite.objects.create(organization=school_elsewhere, document=expired, starts_on=d(2024, 1, 1))  # expired
    PilotSite.objects.create(organization=school_elsewhere, document=in_force, starts_on=d(2026, 1, 1))  # not yet

    def project(org, status, *metrics):
        p = Project.objects.create(organization=org, title=f"Проект {org}", status=status)
        for direction, target, actual in metrics:
            ProjectMetric.objects.create(
                project=p, name="м", unit="мин", direction=direction, target_value=target, actual_value=actual
            )
        return p

    project(school_a, "completed", ("higher", 10, 12), ("lower", 5, 4))  # reached
    project(school_a, "completed", ("higher", 10, 8))  # not reached
    project(school_a, "completed", ("higher", 10, None))  # nothing to evaluate
    project(school_a, "in_progress", ("higher", 10, 12))  # not completed
    project(school_b, "draft")
    project(school_elsewhere, "completed", ("lower", 5, 5), ("higher", None, 3))  # reached


def test_computed_indicators_for_the_region(registries):
    result = computed_values(Organization.objects.all(), datetime.date(2025, 6, 30))
    assert result[Method.PILOT_SITES].value == D(2)
    assert result[Method.COMPLETED_PROJECTS].value == D(4)
    orgs = result[Method.ORGS_WITH_COMPLETED]
    assert (orgs.numerator, orgs.denominator, orgs.value) == (2, 3, D("66.7"))
    goal = result[Method.PROJECTS_GOAL_REACHED]
    assert (goal.numerator, goal.denominator, goal.value) == (2, 3, D("66.7"))


def test_computed_indicators_for_a_municipality(registries, municipality):
    result = computed_values(Organization.objects.filter(municipality=municipality), datetime.date(2025, 6, 30))
    assert result[Method.PILOT_SITES].value == D(2)
    assert result[Method.COMPLETED_PROJECTS].value == D(3)
    assert result[Method.ORGS_WITH_COMPLETED].value == D("50.0")
    assert result[Method.PROJECTS_GOAL_REACHED].value == D("50.0")


def test_pilot_sites_follow_their_dates(registries):
    # On 1 June 2024 the expired document was in force and school_b's second site was running.
    result = computed_values(Organization.objects.all(), datetime.date(2024, 6, 1))
    assert result[Method.PILOT_SITES].value == D(3)


def test_computed_indicators_take_four_queries_at_most(registries, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        computed_values(Organization.objects.all(), datetime.date(2025, 6, 30))
