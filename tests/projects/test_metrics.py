"""Metric arithmetic: the % change and "goal reached" are computed, never typed."""

from decimal import Decimal

import pytest

from projects.models import Direction, ProjectMetric


def metric(direction, before, goal, after):
    return ProjectMetric(
        name="m",
        unit="мин",
        direction=direction,
        baseline_value=None if before is None else Decimal(before),
        target_value=None if goal is None else Decimal(goal),
        actual_value=None if after is None else Decimal(after),
    )


def test_lower_is_better_time_to_prepare_test_papers():
    m = metric(Direction.LOWER, "67", "30", "29")
    assert m.change_percent == Decimal("-56.7")
    assert m.goal_reached is True
    assert m.improved is True


def test_lower_is_better_goal_missed():
    m = metric(Direction.LOWER, "50", "30", "35")
    assert m.change_percent == Decimal("-30.0")
    assert m.goal_reached is False
    assert m.improved is True


def test_lower_is_better_exactly_on_goal_counts_as_reached():
    assert metric(Direction.LOWER, "50", "30", "30").goal_reached is True


def test_higher_is_better():
    m = metric(Direction.HIGHER, "55", "80", "86")
    assert m.change_percent == Decimal("56.4")
    assert m.goal_reached is True
    assert m.improved is True


def test_higher_is_better_getting_worse():
    m = metric(Direction.HIGHER, "55", "80", "50")
    assert m.change_percent == Decimal("-9.1")
    assert m.goal_reached is False
    assert m.improved is False


@pytest.mark.parametrize("direction", list(Direction))
def test_zero_baseline_has_no_percent_but_goal_still_judged(direction):
    m = metric(direction, "0", "5", "7")
    assert m.change_percent is None
    assert m.goal_reached is (direction == Direction.HIGHER)


def test_nothing_measured_yet():
    m = metric(Direction.LOWER, "12", "3", None)
    assert m.change_percent is None
    assert m.goal_reached is None
    assert m.improved is None


def test_negative_baseline_uses_its_magnitude():
    assert metric(Direction.HIGHER, "-10", "0", "-5").change_percent == Decimal("50.0")


@pytest.mark.django_db
def test_goal_reached_in_sql_matches_the_property():
    from tests.projects.factories import MetricFactory, ProjectFactory

    project = ProjectFactory()
    rows = [
        (Direction.LOWER, "67", "30", "29"),
        (Direction.LOWER, "50", "30", "35"),
        (Direction.HIGHER, "55", "80", "86"),
        (Direction.HIGHER, "55", "80", "50"),
        (Direction.LOWER, "12", "3", None),
        (Direction.HIGHER, "0", "5", "5"),
    ]
    metrics = [
        MetricFactory(project=project, direction=d, baseline_value=b, target_value=g, actual_value=a)
        for d, b, g, a in rows
    ]
    metrics = list(ProjectMetric.objects.filter(pk__in=[m.pk for m in metrics]))  # Decimals, as stored
    expected = {m for m in metrics if m.goal_reached}
    assert len(expected) == 3
    assert set(ProjectMetric.objects.goal_reached()) == expected
