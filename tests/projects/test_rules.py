"""The shared rules have one home each, and the filter and the Python test
are the same rule: «is this pilot site active», «did the metric reach its
goal», and the period codes the pages and the import command use."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Period, PeriodKind, parse_period_code, period_code
from projects.models import Direction, PilotSite, ProjectMetric, goal_reached_q
from tests.projects.factories import MetricFactory, PilotSiteFactory, ProjectFactory

pytestmark = pytest.mark.django_db
ON = date(2026, 1, 1)


def test_active_pilot_sites_in_sql_are_exactly_those_without_a_closed_reason():
    sites = [
        PilotSiteFactory(),
        PilotSiteFactory(ends_on=date(2025, 12, 31)),  # ended the day before
        PilotSiteFactory(ends_on=ON),  # its last day
        PilotSiteFactory(starts_on=date(2026, 1, 2)),  # not started yet
        PilotSiteFactory(starts_on=ON),
    ]
    repealed = PilotSiteFactory()
    repealed.document.status = "repealed"
    repealed.document.save()
    expired = PilotSiteFactory()
    expired.document.effective_until = date(2025, 6, 30)
    expired.document.save()
    sites += [repealed, expired]

    in_sql = set(PilotSite.objects.active(on=ON))
    in_python = {site for site in PilotSite.objects.select_related("document") if not site.closed_reason(today=ON)}
    assert in_sql == in_python == {sites[0], sites[2], sites[4]}
    assert "2026" in PilotSite.objects.get(pk=sites[3].pk).closed_reason(today=ON)


@pytest.mark.parametrize(
    ("direction", "goal", "after", "reached"),
    [
        (Direction.LOWER, "30", "29", True),
        (Direction.LOWER, "30", "30", True),
        (Direction.LOWER, "30", "35", False),
        (Direction.HIGHER, "80", "86", True),
        (Direction.HIGHER, "80", "80", True),
        (Direction.HIGHER, "80", "50", False),
    ],
)
def test_goal_reached_is_one_rule_in_python_and_in_sql(direction, goal, after, reached):
    metric = MetricFactory(project=ProjectFactory(), direction=direction, target_value=goal, actual_value=after)
    metric = ProjectMetric.objects.get(pk=metric.pk)
    assert metric.goal_reached is reached
    assert Direction(direction).reached(metric.actual_value, metric.target_value) is reached
    assert ProjectMetric.objects.goal_reached().filter(pk=metric.pk).exists() is reached
    assert ProjectMetric.objects.filter(goal_reached_q()).filter(pk=metric.pk).exists() is reached


def test_indicators_use_the_same_direction_enum():
    from indicators.models import Direction as IndicatorDirection

    assert IndicatorDirection is Direction


@pytest.mark.parametrize(
    ("code", "parsed"),
    [
        ("2025", (PeriodKind.YEAR, 2025, 0)),
        ("2025-H2", (PeriodKind.HALF, 2025, 2)),
        ("2025-Q3", (PeriodKind.QUARTER, 2025, 3)),
        ("2025-2026", (PeriodKind.ACADEMIC, 2025, 0)),
    ],
)
def test_period_codes_read_back_what_they_write(code, parsed):
    assert parse_period_code(code) == parsed
    assert period_code(*parsed) == code
    assert Period.ensure(*parsed).code == code
    assert Period.from_code(code) == Period.ensure_code(code)


@pytest.mark.parametrize("code", ["2025-H3", "2025-Q0", "2025-Q5", "2025-2027", "25", "2025-", "nonsense", ""])
def test_codes_that_name_no_period_are_refused_everywhere(code, office):
    with pytest.raises(ValueError):
        parse_period_code(code)
    assert Period.from_code(code) is None
    with pytest.raises(CommandError, match="unknown period"):
        call_command("import_indicator_values", "missing.xlsx", "--period", code, "--user", office.username)
