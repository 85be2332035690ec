"""Facts, roll-ups and the computed indicators against hand-counted fixtures."""

from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.facts import computed_basis, computed_values, percent_of_target, rollup, rollup_periods, traffic_light
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


def _figures(result):
    return {
        method: (c.value, c.numerator, c.denominator) if c.denominator is not None else c.value
        for method, c in result.items()
    }


def test_computed_indicators_count_what_was_true_in_each_period(registries):
    """Hand-counted: three periods, an academic year among them."""
    from tests.indicators.factories import period

    orgs = Organization.objects.all()
    # 2024: completed in the year: 10.03 (school_a, reached) and 20.11 (elsewhere, reached).
    assert _figures(computed_values(orgs, period("year", 2024))) == {
        Method.PILOT_SITES: D(3),  # on 31.12.2024: a's first, b's ending that day, elsewhere's until 01.01.2025
        Method.COMPLETED_PROJECTS: D(2),
        Method.ORGS_WITH_COMPLETED: (D("66.7"), 2, 3),  # a and elsewhere of a, b, elsewhere
        Method.PROJECTS_GOAL_REACHED: (D("100.0"), 2, 2),
        Method.REPLICATIONS: D(0),
    }
    # 2025: 15.02 (a, missed), 30.06 (b, by its actual end, reached), 01.10 (a, nothing to evaluate).
    assert _figures(computed_values(orgs, period("year", 2025))) == {
        Method.PILOT_SITES: D(2),
        Method.COMPLETED_PROJECTS: D(3),
        Method.ORGS_WITH_COMPLETED: (D("100.0"), 3, 3),
        Method.PROJECTS_GOAL_REACHED: (D("50.0"), 1, 2),
        Method.REPLICATIONS: D(0),
    }
    # Academic year 2024/2025 (01.09.2024–31.08.2025): 20.11, 15.02 and 30.06.
    assert _figures(computed_values(orgs, period("academic", 2024))) == {
        Method.PILOT_SITES: D(2),  # on 31.08.2025: a's two sites
        Method.COMPLETED_PROJECTS: D(3),
        Method.ORGS_WITH_COMPLETED: (D("100.0"), 3, 3),
        Method.PROJECTS_GOAL_REACHED: (D("66.7"), 2, 3),
        Method.REPLICATIONS: D(0),
    }
    # 2023: nothing completed yet.
    assert _figures(computed_values(orgs, period("year", 2023))) == {
        Method.PILOT_SITES: D(1),  # b's site of 2023
        Method.COMPLETED_PROJECTS: D(0),
        Method.ORGS_WITH_COMPLETED: (D("0.0"), 0, 3),
        Method.PROJECTS_GOAL_REACHED: (None, 0, 0),
        Method.REPLICATIONS: D(0),
    }


def test_computed_indicators_for_a_municipality(registries, municipality):
    from tests.indicators.factories import period

    result = computed_values(Organization.objects.filter(municipality=municipality), period("year", 2024))
    assert _figures(result) == {
        Method.PILOT_SITES: D(2),
        Method.COMPLETED_PROJECTS: D(1),
        Method.ORGS_WITH_COMPLETED: (D("50.0"), 1, 2),
        Method.PROJECTS_GOAL_REACHED: (D("100.0"), 1, 1),
        Method.REPLICATIONS: D(0),
    }


def test_a_project_completed_today_does_not_change_past_periods(registries, school_b, office):
    from projects.models import Project, ProjectMetric
    from projects.services import project_complete
    from tests.indicators.factories import period

    orgs = Organization.objects.all()
    before = _figures(computed_values(orgs, period("year", 2024)))
    late = Project.objects.create(organization=school_b, title="Сегодня", status="in_progress")
    ProjectMetric.objects.create(project=late, name="м", unit="мин", direction="higher", target_value=1, actual_value=1)
    project_complete(actor=office, project=late)
    assert _figures(computed_values(orgs, period("year", 2024))) == before
    this_year = period("year", timezone.localdate().year)
    assert late in computed_basis(Method.COMPLETED_PROJECTS, orgs, this_year).numerator


def test_each_figure_is_the_count_of_its_drill_through_rows(registries):
    from tests.indicators.factories import period

    year = period("year", 2025)
    orgs = Organization.objects.all()
    figures = computed_values(orgs, year)
    for method, figure in figures.items():
        basis = computed_basis(method, orgs, year)
        if figure.denominator is None:
            assert basis.numerator.count() == figure.value
        else:
            assert (basis.numerator.count(), basis.denominator.count()) == (figure.numerator, figure.denominator)
    reached = computed_basis(Method.PROJECTS_GOAL_REACHED, orgs, year).numerator
    assert [p.organization.short_name for p in reached] == ["МОУ «СОШ № 15»"]


def test_computed_indicators_take_seven_queries_at_most(registries, django_assert_max_num_queries):
    from tests.indicators.factories import period

    year = period("year", 2025)
    with django_assert_max_num_queries(7):
        computed_values(Organization.objects.all(), year)


def test_computed_values_per_municipality_in_seven_queries_equal_one_by_one(
    registries, municipality, other_municipality, django_assert_max_num_queries
):
    from indicators.facts import computed_values_by
    from tests.indicators.factories import period

    orgs = Organization.objects.all()
    for p in (period("year", 2024), period("year", 2025), period("academic", 2024)):
        with django_assert_max_num_queries(7):
            grouped = computed_values_by(orgs, p)
        for muni in (municipality, other_municipality):
            one = computed_values(Organization.objects.filter(municipality=muni), p)
            assert _figures(grouped[muni.pk]) == _figures(one)
