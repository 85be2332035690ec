"""Fixtures of the indicators tests: three indicators, the periods of 2025 and
values of two schools in one municipality and one school elsewhere."""

from __future__ import annotations

import datetime
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


def completed_on(project, day):
    """Date the project's completion in its status log, as the office's transition would."""
    from django.utils import timezone

    from projects.models import ProjectTransition

    transition = ProjectTransition.objects.create(project=project, from_status="in_progress", to_status="completed")
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0)))
    ProjectTransition.objects.filter(pk=transition.pk).update(created_at=at)


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
    )  # active from 2025
    PilotSite.objects.create(organization=school_b, document=repealed, starts_on=d(2024, 1, 1))  # repealed
    PilotSite.objects.create(organization=school_b, document=in_force, starts_on=d(2023, 1, 1), ends_on=d(2024, 12, 31))
    PilotSite.objects.create(organization=school_elsewhere, document=expired, starts_on=d(2024, 1, 1))  # expired 2025
    PilotSite.objects.create(organization=school_elsewhere, document=in_force, starts_on=d(2026, 1, 1))  # not yet

    def project(org, status, *metrics, completed=None, actual_end=None):
        p = Project.objects.create(
            organization=org, title=f"Проект {org} {completed}", status=status, actual_end=actual_end
        )
        for direction, target, actual in metrics:
            ProjectMetric.objects.create(
                project=p, name="м", unit="мин", direction=direction, target_value=target, actual_value=actual
            )
        if completed:
            completed_on(p, completed)
        return p

    # Completed projects, dated by the status log (one without a log row: by its actual end).
    project(school_a, "completed", ("higher", 10, 12), ("lower", 5, 4), completed=d(2024, 3, 10))  # reached
    project(school_a, "completed", ("higher", 10, 8), completed=d(2025, 2, 15))  # not reached
    project(school_a, "completed", ("higher", 10, None), completed=d(2025, 10, 1))  # nothing to evaluate
    project(school_elsewhere, "completed", ("lower", 5, 5), ("higher", None, 3), completed=d(2024, 11, 20))  # reached
    project(school_b, "completed", ("higher", 1, 2), actual_end=d(2025, 6, 30))  # reached, no log row
    project(school_a, "in_progress", ("higher", 10, 12))  # not completed
    project(school_b, "draft")
