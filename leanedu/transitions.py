"""One way to make a status transition, for every workflow of the portal
(projects, indicator values, proposals):

    lock → require → check the source status → change → log → notify

Each app used to repeat these steps with its own ``_lock``, ``_require_*``
and ``TransitionError``; a step forgotten in one copy was a back door. A
small helper rather than django-fsm-2: that library wants its own status field
type (a migration on every workflow model), checks Django permissions rather
than our organisation scope, does not lock the row, and has no place for the
reason that reopening and returning need. Here the status stays a plain
``CharField`` with ``TextChoices`` and the rule is the rulebook's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext

from leanedu.rules import REVIEW, require

# history_change_reason is a 100-character column (django-simple-history).
REASON_MAX = 100


class TransitionError(ValidationError):
    """A transition that is not allowed from the object's current status."""


def lock(obj: models.Model, *related: str) -> models.Model:
    """The row re-read under a lock: two people never race a transition."""
    qs = type(obj)._default_manager.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=obj.pk)


def require_status(obj: models.Model, allowed: Iterable[str], label: str, message: str | None = None) -> None:
    """Refuse with the status named, unless ``obj.status`` is one of ``allowed``."""
    if obj.status not in tuple(allowed):
        text = message or gettext("«%(action)s» is not possible in the status «%(status)s».")
        raise TransitionError(
            text % {"action": label, "status": obj.get_status_display()},
            code="bad_status",
        )


def set_reason(obj: models.Model, reason: str, actor=None) -> None:
    """What django-simple-history writes beside this save."""
    obj._change_reason = (reason or "")[:REASON_MAX] or None
    if actor is not None:
        obj._history_user = actor


@transaction.atomic
def transition(
    obj: models.Model,
    *,
    actor,
    action: str,
    sources: Iterable[str],
    to: str,
    label: str,
    reason: str = "",
    status_message: str | None = None,
    related: Iterable[str] = (),
    check: Callable[[models.Model], None] | None = None,
    change: Callable[[models.Model], None] | None = None,
    log: Callable[[models.Model, str], None] | None = None,
    notify: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Move ``obj`` to ``to`` and return the locked, saved row.

    ``check`` may refuse (raise) after the status check, ``change`` sets the
    other fields of the transition, ``log`` records it (with the old status),
    ``notify`` queues mail in the same transaction (the outbox)."""
    locked = lock(obj, *related)
    require(actor, action, locked)
    require_status(locked, sources, label, status_message)
    if check is not None:
        check(locked)
    from_status = locked.status
    if change is not None:
        change(locked)
    locked.status = to
    set_reason(locked, reason or f"{from_status} → {to}", actor)
    locked.full_clean()
    locked.save()
    if log is not None:
        log(locked, from_status)
    if notify is not None:
        notify(locked)
    return locked


@dataclass(frozen=True, kw_only=True)
class Step:
    """One transition of a workflow, declared once in its app's table: the
    statuses it starts from, where it goes, the action the rulebook checks and
    the transition's name in a refusal. Apps extend it with what their
    transitions also share (a letter's subject and template)."""

    sources: tuple[str, ...]
    to: str
    label: str
    action: str = REVIEW
    status_message: str | None = None

    def run(self, obj: models.Model, *, actor, **steps) -> models.Model:
        """``transition`` with this step's declaration; ``steps`` are its other
        arguments (``reason``, ``check``, ``change``, ``log``, ``notify``…)."""
        declared = {name: getattr(self, name) for name in ("action", "sources", "to", "label", "status_message")}
        return transition(obj, actor=actor, **declared, **steps)
