"""Writes of the indicators app. Every write takes the acting user, checks the
actor's right and the source state, and runs in one transaction; history
(django-simple-history) records each change with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indicators.models import EDITABLE_STATUSES, Indicator, Period, Value, ValueStatus
from leanedu.models import Organization
from leanedu.rules import ADD, CHANGE, DELETE, REVIEW, SUBMIT, require
from leanedu.transitions import Step, set_reason


def can_enter_for(actor, organization: Organization | int) -> bool:
    """Whether the entry grid of ``organization`` is the actor's to fill: the
    rulebook's rule for adding a draft value of that organisation."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return Value.objects.allows(actor, ADD, organization_id=org_id, status=ValueStatus.DRAFT)


def can_review(actor) -> bool:
    return Value.objects.may(actor, REVIEW)


def _set_reason(value: Value, reason: str, actor=None) -> None:
    set_reason(value, reason, actor)


@dataclass(frozen=True)
class EntryRow:
    """One line of the entry grid: an indicator and what was typed for it."""

    indicator: Indicator
    value: Decimal | None
    comment: str = ""


@transaction.atomic
def values_save(
    *, actor, organization: Organization, period: Period, rows: Iterable[EntryRow], submit: bool = False
) -> list[Value]:
    """Save the entry grid of one organisation and period as drafts; with
    ``submit`` also send every editable value of the grid for review.

    Locked (approved) and submitted values are left as they are; an empty
    cell leaves an existing draft untouched."""
    if not can_enter_for(actor, organization):
        raise PermissionDenied(_("You cannot enter values for this organisation."))
    existing = {
        v.indicator_id: v for v in Value.objects.select_for_update().filter(organization=organization, period=period)
    }
    saved: list[Value] = []
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    for row in rows:
        indicator = row.indicator
        current = existing.get(indicator.pk)
        if indicator.is_computed or (current is not None and not current.is_editable):
            continue
        if row.value is None:
            if current is not None:
                if current.comment != row.comment:
                    current.comment = row.comment
                    current.save()
                saved.append(current)
            continue
        value = current or Value(indicator=indicator, period=period, organization=organization)
        value.value = row.value
        value.comment = row.comment
        value.entered_by = actor
        try:
            value.full_clean()
        except ValidationError as exc:
            errors[indicator.code] = exc.messages
            continue
        adding = value.pk is None
        _set_reason(value, "entry", actor)
        value.save()
        require(actor, ADD if adding else CHANGE, value)
        saved.append(value)
    if errors:
        raise ValidationError({code: messages for code, messages in errors.items()})
    if submit:
        for value in saved:
            if value.status in EDITABLE_STATUSES:
                value.status = ValueStatus.SUBMITTED
                value.submitted_at = now
                _set_reason(value, "submitted", actor)
                value.save()
    return saved


# The workflow of a value, declared once: the services below and the bulk
# actions use it.
STEPS: dict[str, Step] = {
    "submit": Step(
        sources=tuple(EDITABLE_STATUSES),
        to=ValueStatus.SUBMITTED,
        label=pgettext_lazy("indicator value", "Submission for review"),
        action=SUBMIT,
        status_message=_("Only a draft or a returned value can be submitted."),
    ),
    "approve": Step(
        sources=(ValueStatus.SUBMITTED,),
        to=ValueStatus.APPROVED,
        label=pgettext_lazy("indicator value", "Approval"),
        status_message=_("Only a submitted value can be approved."),
    ),
    "return": Step(
        sources=(ValueStatus.SUBMITTED,),
        to=ValueStatus.RETURNED,
        label=pgettext_lazy("indicator value", "Return"),
        status_message=_("Only a submitted value can be returned."),
    ),
    "reopen": Step(
        sources=(ValueStatus.APPROVED,),
        to=ValueStatus.RETURNED,
        label=pgettext_lazy("indicator value", "Reopening"),
        status_message=_("Only an approved value can be reopened."),
    ),
}
# What a review that sends a value back needs: a reason, refused with this message.
REASON_MESSAGES = {
    "return": _("Give a reason for returning the value."),
    "reopen": _("Give a reason for reopening an approved value."),
}


def value_submit(*, actor, value: Value) -> Value:
    """draft or returned → submitted: the coordinator sends it for review."""

    def change(v: Value) -> None:
        v.submitted_at = timezone.now()

    return STEPS["submit"].run(value, actor=actor, reason="submitted", change=change)


def _review(name: str, *, actor, value: Value, reason: str = "") -> Value:
    """The office's review ``name`` of one value: who reviewed it and when, and
    the reason the coordinator sees (required to send a value back)."""
    if name in REASON_MESSAGES:
        reason = _need_reason(reason, REASON_MESSAGES[name])

    def change(v: Value) -> None:
        v.return_reason = reason
        v.reviewed_by = actor
        v.reviewed_at = timezone.now()

    return STEPS[name].run(value, actor=actor, reason=reason or "approved", change=change)


def _need_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message)
    return reason


def value_approve(*, actor, value: Value) -> Value:
    """submitted → approved: the value is locked from now on."""
    return _review("approve", actor=actor, value=value)


def value_return(*, actor, value: Value, reason: str) -> Value:
    """submitted → returned, with a reason the coordinator sees."""
    return _review("return", actor=actor, value=value, reason=reason)


def value_reopen(*, actor, value: Value, reason: str) -> Value:
    """approved → returned: unlocks the value for correction. Needs a reason;
    the approved version stays in history."""
    return _review("reopen", actor=actor, value=value, reason=reason)


@transaction.atomic
def value_save(*, actor, value: Value, adding: bool) -> Value:
    """One value typed in the back office: the same rule as the entry grid
    (a locked value is refused: reopen it with a reason first)."""
    if not adding:
        require(actor, CHANGE, Value.objects.select_for_update().get(pk=value.pk))
    if not can_enter_for(actor, value.organization_id):
        raise PermissionDenied(_("You cannot enter values for this organisation."))
    if adding:
        value.status = ValueStatus.DRAFT
    value.entered_by = actor
    value.full_clean()
    _set_reason(value, "entry", actor)
    value.save()
    require(actor, ADD if adding else CHANGE, value)
    return value


@transaction.atomic
def value_delete(*, actor, value: Value, reason: str = "") -> None:
    """Delete a value that is not locked (an approved one is reopened first)."""
    value = Value.objects.select_for_update().get(pk=value.pk)
    require(actor, DELETE, value)
    _set_reason(value, reason or "deleted", actor)
    value.delete()


def _locked(values: Iterable[Value]):
    """The same values re-read and locked for the rest of the transaction."""
    ids = [v.pk for v in values]
    return Value.objects.select_for_update().filter(pk__in=ids).order_by("pk")


def _require_reviewer(actor) -> None:
    if not can_review(actor):
        raise PermissionDenied(_("Only the project office reviews indicator values."))


def _review_each(name: str, *, actor, values: Iterable[Value], reason: str = "") -> tuple[int, int]:
    """The review ``name`` of every value of ``values`` in its source status;
    the others are skipped, not errors (a bulk action over a mixed selection).
    Returns (done, skipped)."""
    _require_reviewer(actor)
    if name in REASON_MESSAGES:
        _need_reason(reason, REASON_MESSAGES[name])
    (status,) = STEPS[name].sources
    return _each_in_status(values, status, lambda value: _review(name, actor=actor, value=value, reason=reason))


@transaction.atomic
def values_approve(*, actor, values: Iterable[Value]) -> tuple[int, int]:
    """Approve every submitted value of ``values``; returns (approved, skipped)."""
    return _review_each("approve", actor=actor, values=values)


@transaction.atomic
def values_return(*, actor, values: Iterable[Value], reason: str) -> tuple[int, int]:
    return _review_each("return", actor=actor, values=values, reason=reason)


@transaction.atomic
def values_reopen(*, actor, values: Iterable[Value], reason: str) -> tuple[int, int]:
    return _review_each("reopen", actor=actor, values=values, reason=reason)


def _each_in_status(values: Iterable[Value], status: str, transition) -> tuple[int, int]:
    """Apply one transition to every locked value in ``status``; the others are
    skipped, not errors (a bulk action over a mixed selection)."""
    done = skipped = 0
    for value in _locked(values):
        if value.status == status:
            transition(value)
            done += 1
        else:
            skipped += 1
    return done, skipped


@transaction.atomic
def values_approve_period(*, actor, period, municipality) -> int:
    """Approve every submitted value of ``municipality``'s organisations in
    ``period`` (its quarters included) in one action: one UPDATE per batch and
    one history row per value (``bulk_update_with_history``). Returns the count."""
    from simple_history.utils import bulk_update_with_history

    _require_reviewer(actor)
    now = timezone.now()
    values = list(
        Value.objects.visible_to(actor)
        .select_for_update()
        .filter(status=ValueStatus.SUBMITTED, organization__municipality=municipality)
        .within(period)
        .order_by("pk")
    )
    for value in values:
        value.status = ValueStatus.APPROVED
        value.return_reason = ""
        value.reviewed_by = actor
        value.reviewed_at = now
        value.updated_at = now
    bulk_update_with_history(
        values,
        Value,
        ["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"],
        batch_size=1000,
        default_user=actor,
        default_change_reason="approved",
        default_date=now,
    )
    return len(values)
