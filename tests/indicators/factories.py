"""Factories of the indicators app's tests."""

from __future__ import annotations

import factory

from indicators.models import Aggregation, Direction, Indicator, Period, PeriodKind, Target, Unit, Value, ValueStatus


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T-{n:02d}")
    name = factory.Sequence(lambda n: f"Показатель {n}")
    unit = Unit.UNITS
    direction = Direction.HIGHER
    aggregation = Aggregation.LAST
    active_from_year = 2022
    sort_order = factory.Sequence(lambda n: n)


def period(kind: str = PeriodKind.YEAR, year: int = 2025, number: int = 0) -> Period:
    return Period.ensure(kind, year, number)


def quarter(year: int, number: int) -> Period:
    return Period.ensure(PeriodKind.QUARTER, year, number)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.LazyFunction(lambda: period())
    value = 10
    baseline_year = 2021
    baseline_value = 2


class ValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Value

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.LazyFunction(lambda: quarter(2025, 1))
    value = 5
    status = ValueStatus.APPROVED
