"""The value workflow: draft → submitted → approved (locked) or returned with
a reason; reopening needs a reason and keeps history. Rights for every role."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from indicators import services
from indicators.models import Period, Value, ValueStatus
from indicators.services import EntryRow
from tests.indicators.factories import ValueFactory, quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def q1(periods):
    return quarter(2025, 1)


def grid(indicators, *numbers):
    return [
        EntryRow(indicator=i, value=None if n is None else Decimal(n)) for i, n in zip(indicators, numbers, strict=True)
    ]


def test_coordinator_saves_a_draft_and_submits(coordinator_a, school_a, q1, indicators):
    services.values_save(actor=coordinator_a, organization=school_a, period=q1, rows=grid(indicators, 3, 40, 20))
    assert set(Value.objects.values_list("status", flat=True)) == {ValueStatus.DRAFT}
    services.values_save(
        actor=coordinator_a, organization=school_a, period=q1, rows=grid(indicators, 4, None, None), submit=True
    )
    values = {v.indicator.code: v for v in Value.objects.select_related("indicator")}
    assert values["T-TRAINED"].value == 4
    assert {v.status for v in values.values()} == {ValueStatus.SUBMITTED}
    assert values["T-SHARE"].value == 40  # an empty cell keeps the draft's number


def test_percentage_above_100_is_refused_and_nothing_is_saved(coordinator_a, school_a, q1, indicators):
    with pytest.raises(ValidationError):
        services.values_save(actor=coordinator_a, organization=school_a, period=q1, rows=grid(indicators, 3, 140, 20))
    assert not Value.objects.exists()


def test_one_value_per_indicator_period_and_organisation(school_a, q1, trained):
    ValueFactory(organization=school_a, indicator=trained, period=q1)
    with pytest.raises(IntegrityError):
        ValueFactory(organization=school_a, indicator=trained, period=q1)


@pytest.mark.parametrize("who", ["coordinator_b", "official", "regional_official"])
def test_others_cannot_enter_values_for_a_school(request, who, school_a, q1, indicators):
    with pytest.raises(PermissionDenied):
        services.values_save(
            actor=request.getfixturevalue(who), organization=school_a, period=q1, rows=grid(indicators, 1, 1, 1)
        )


def test_office_approves_and_the_value_is_locked(coordinator_a, office, school_a, q1, trained):
    value = ValueFactory(organization=school_a, indicator=trained, period=q1, status=ValueStatus.SUBMITTED, value=3)
    services.value_approve(actor=office, value=value)
    value.refresh_from_db()
    assert value.status == ValueStatus.APPROVED and value.reviewed_by == office
    # The coordinator's grid leaves the approved value alone.
    services.values_save(
        actor=coordinator_a, organization=school_a, period=q1, rows=[EntryRow(trained, Decimal(99))], submit=True
    )
    value.refresh_from_db()
    assert value.value == 3 and value.status == ValueStatus.APPROVED
    with pytest.raises(ValidationError):
        services.value_submit(actor=coordinator_a, value=value)


@pytest.mark.parametrize("who", ["coordinator_a", "official", "regional_official"])
def test_only_office_reviews(request, who, school_a, q1, trained):
    value = ValueFactory(organization=school_a, indicator=trained, period=q1, status=ValueStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.value_approve(actor=request.getfixturevalue(who), value=value)
    with pytest.raises(PermissionDenied):
        services.value_return(actor=request.getfixturevalue(who), value=value, reason="нет")


def test_return_needs_a_reason_and_the_coordinator_corrects(coordinator_a, office_admin, school_a, q1, trained):
    value = ValueFactory(organization=school_a, indicator=trained, period=q1, status=ValueStatus.SUBMITTED, value=3)
    with pytest.raises(ValidationError):
        services.value_return(actor=office_admin, value=value, reason="  ")
    services.value_return(actor=office_admin, value=value, reason="Не сходится с отчётом")
    value.refresh_from_db()
    assert value.status == ValueStatus.RETURNED and value.return_reason == "Не сходится с отчётом"
    services.values_save(
        actor=coordinator_a, organization=school_a, period=q1, rows=[EntryRow(trained, Decimal(5))], submit=True
    )
    value.refresh_from_db()
    assert value.value == 5 and value.status == ValueStatus.SUBMITTED


def test_reopening_needs_a_reason_and_keeps_history(coordinator_a, office, school_a, q1, trained):
    value = ValueFactory(organization=school_a, indicator=trained, period=q1, status=ValueStatus.SUBMITTED, value=3)
    services.value_approve(actor=office, value=value)
    with pytest.raises(ValidationError):
        services.value_reopen(actor=office, value=value, reason="")
    services.value_reopen(actor=office, value=value, reason="Ошибка в данных")
    services.values_save(actor=coordinator_a, organization=school_a, period=q1, rows=[EntryRow(trained, Decimal(4))])
    value.refresh_from_db()
    assert value.value == 4 and value.status == ValueStatus.RETURNED
    history = list(value.history.order_by("history_date").values_list("status", "value", "history_change_reason"))
    assert (ValueStatus.APPROVED, Decimal("3.00"), "approved") in history
    assert any(reason == "Ошибка в данных" for _s, _v, reason in history)


def test_bulk_approve_skips_values_not_submitted(office, school_a, school_b, q1, trained):
    submitted = ValueFactory(organization=school_a, indicator=trained, period=q1, status=ValueStatus.SUBMITTED)
    draft = ValueFactory(organization=school_b, indicator=trained, period=q1, status=ValueStatus.DRAFT)
    assert services.values_approve(actor=office, values=Value.objects.all()) == (1, 1)
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == ValueStatus.APPROVED and draft.status == ValueStatus.DRAFT


def test_period_codes_and_bounds(periods):
    assert Period.from_code("2025-Q3").ends_on.isoformat() == "2025-09-30"
    assert Period.from_code("2025-H1").ends_on.isoformat() == "2025-06-30"
    academic = Period.from_code("2025-2026")
    assert (academic.starts_on.isoformat(), academic.ends_on.isoformat()) == ("2025-09-01", "2026-08-31")
    assert Period.from_code("nonsense") is None
