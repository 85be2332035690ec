"""Fixtures of the indicators tests: three indicators, the periods of 2025 and
values of two schools in one municipality and one school elsewhere."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import Aggregation, Direction, Period, Unit, ValueStatus
from tests.indicators.factories import IndicatorFactory, TargetFactory, ValueFactory, period, quarter


@pytest.fixture
def periods(db):
    return Period.ensure_year(2025)


@pytest.fixture
def year_2025(periods):
    return period("year", 2025)


@pytest.fixture
def trained(db):
    """A flow indicator: the quarters add up."""
    return IndicatorFactory(
        code="T-TRAINED", name="Число обученных педагогов", unit=Unit.PEOPLE, aggregation=Aggregation.SUM, sort_order=1
    )


@pytest.fixture
def share(db):
    """A level in percent: the latest quarter counts."""
    return IndicatorFactory(code="T-SHARE", name="Доля организаций", unit=Unit.PERCENT, sort_order=2)


@pytest.fixture
def waiting(db):
    """Lower is better."""
    return IndicatorFactory(
        code="T-WAIT", name="Время ожидания", unit=Unit.MINUTES, direction=Direction.LOWER, sort_order=3
    )


@pytest.fixture
def indicators(trained, share, waiting):
    return [trained, share, waiting]


@pytest.fixture
def reported(periods, indicators, school_a, school_b, school_elsewhere):
    """Approved quarterly values and annual targets (hand-counted in the tests):

    school_a: trained 3+4 (Q1, Q2) = 7, target 10; share 40 → 60 (Q1, Q2), target 50; waiting 20 → 15, target 10
    school_b: trained 5 (Q1), target 10; share 80 (Q1), target 100
    school_elsewhere: trained 100 (Q1), target 50"""
    trained, share, waiting = indicators
    q1, q2 = quarter(2025, 1), quarter(2025, 2)
    rows = [
        (school_a, trained, q1, 3),
        (school_a, trained, q2, 4),
        (school_a, share, q1, 40),
        (school_a, share, q2, 60),
        (school_a, waiting, q1, 20),
        (school_a, waiting, q2, 15),
        (school_b, trained, q1, 5),
        (school_b, share, q1, 80),
        (school_elsewhere, trained, q1, 100),
    ]
    values = [
        ValueFactory(organization=org, indicator=ind, period=p, value=Decimal(v), status=ValueStatus.APPROVED)
        for org, ind, p, v in rows
    ]
    year = period("year", 2025)
    for org, ind, target, baseline in [
        (school_a, trained, 10, 1),
        (school_a, share, 50, 10),
        (school_a, waiting, 10, 30),
        (school_b, trained, 10, 2),
        (school_b, share, 100, 20),
        (school_elsewhere, trained, 50, 5),
    ]:
        TargetFactory(organization=org, indicator=ind, period=year, value=target, baseline_value=baseline)
    return values
