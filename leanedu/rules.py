"""The rulebook: who may do what with which rows, in one place per model.

Every scoped queryset derives from ``RuledQuerySet`` and answers
``visible_to(user, action)`` for the plain actions (view, add, change, delete)
and the workflow ones (submit, review) with a filter; services ask the same
rule through ``require(actor, action, obj)``, and the admin through
``leanedu.admin_rules.RuledAdminMixin``. So a page, a service, a change page,
a history page, an export and an import can never disagree (the idea is
NetBox's ``RestrictedQuerySet.restrict(user, action)``).

A model's rule is its queryset's ``rule(scope, action, user)``: a ``Q`` of the
rows the user may act on, or ``None`` for none at all. The rule says which
rows; the source status of a transition is checked by the transition itself
(``leanedu.transitions``), where a refusal can name the status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leanedu.scoping import Scope, user_scope

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
# Workflow actions: a coordinator sends work for review, the office reviews it
# (approve, return, reopen, start, complete, cancel).
SUBMIT = "submit"
REVIEW = "review"
ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE, SUBMIT, REVIEW})

EVERYTHING = Q()
NOTHING = None


def is_office(user) -> bool:
    """Office staff: the project office and administrators (and superusers)."""
    return user is not None and user_scope(user).is_office


def is_admin(user) -> bool:
    """Administrators: users, roles, organisations."""
    return user is not None and user_scope(user).is_admin


class RuledQuerySet(models.QuerySet):
    """A queryset that knows its model's rule.

    The default suits reference lists (kinds, tags, tools, periods…): everyone
    may read them, office staff write them. Scoped models override ``rule``."""

    def rule(self, scope: Scope, action: str, user) -> Q | None:
        if action == VIEW:
            return EVERYTHING
        return EVERYTHING if scope.is_office else NOTHING

    def visible_to(self, user, action: str = VIEW):
        """The rows ``user`` may ``action``: view by default (pages, lists)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        q = self.rule(user_scope(user), action, user)
        if q is NOTHING:
            return self.none()
        return self.filter(q) if q else self

    def may(self, user, action: str) -> bool:
        """Whether the rule lets ``user`` ``action`` any row at all (an add button)."""
        return self.rule(user_scope(user), action, user) is not NOTHING

    def allows(self, user, action: str, **values) -> bool:
        """Whether the rule lets ``user`` ``action`` a row with these field
        ``values`` that need not exist yet (may a coordinator enter a value for
        this organisation?). The rule's filter is evaluated against the values
        by the database (``Q.check``), so it is the same rule, not a copy."""
        q = self.rule(user_scope(user), action, user)
        if q is NOTHING:
            return False
        return not q or q.check(values)


class ChildRuledQuerySet(RuledQuerySet):
    """Rows that belong to a parent (a project's metrics, a document's files):
    seen with the parent, written by whoever may change the parent."""

    parent_field: str = ""

    def rule(self, scope: Scope, action: str, user) -> Q | None:
        parent_model = self.model._meta.get_field(self.parent_field).related_model
        parent_action = VIEW if action == VIEW else CHANGE
        parents = parent_model._default_manager.all()
        if parents.rule(scope, parent_action, user) is NOTHING:
            return NOTHING
        return Q(**{f"{self.parent_field}__in": parents.visible_to(user, parent_action).values("pk")})


def can(user, action: str, obj) -> bool:
    """Whether the rule of ``obj``'s model lets ``user`` ``action`` it."""
    manager = type(obj)._default_manager
    return manager.visible_to(user, action).filter(pk=obj.pk).exists()


def require(actor, action: str, obj) -> None:
    """Raise PermissionDenied unless ``actor`` may ``action`` ``obj``.

    ``actor=None`` is the system itself (demo data, migrations, background
    tasks) and is trusted. A new row is checked once saved, inside the
    service's transaction, so a refusal rolls the insert back (NetBox does the
    same): one rule then covers creating as well as changing."""
    if actor is None:
        return
    if obj.pk is None:
        raise ValueError("require() needs a saved row: call it after save(), inside the transaction")
    if not can(actor, action, obj):
        raise PermissionDenied(_("You may not do this."))
