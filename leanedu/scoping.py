"""Who may see which organisations' rows: the one rule every app builds on.

A coordinator sees their own organisation(s); an official sees the
organisations under the authority they belong to (a municipality, or a whole
region); office staff and administrators see everything; an anonymous visitor
sees no organisation's non-public rows. Apps turn this into
``QuerySet.visible_to(user)`` with ``scope_filter``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from leanedu.roles import OFFICE_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """What one user may see. Computed once per request and cached on the user."""

    is_authenticated: bool = False
    is_office: bool = False
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    coordinator_org_ids: frozenset[int] = frozenset()
    official_org_ids: frozenset[int] = frozenset()

    def has_role(self, role: str) -> bool:
        return role in self.roles or (self.is_office and role in OFFICE_ROLES)

    def organization_q(self, prefix: str = "") -> Q:
        """A filter on Organization (or on ``prefix`` leading to one) for this scope."""
        if self.is_office:
            return Q()
        p = f"{prefix}__" if prefix else ""
        q = Q(**{f"{p}pk__in": []})
        if self.coordinator_org_ids:
            q |= Q(**{f"{p}pk__in": sorted(self.coordinator_org_ids)})
        if self.official_org_ids:
            ids = sorted(self.official_org_ids)
            q |= (
                Q(**{f"{p}pk__in": ids})
                | Q(**{f"{p}municipality_id__in": ids})
                | Q(**{f"{p}municipality__parent_id__in": ids})
                | Q(**{f"{p}parent_id__in": ids})
            )
        return q


ANONYMOUS_SCOPE = Scope()


def user_scope(user) -> Scope:
    """The user's scope, from their memberships (and superuser flag)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_leanedu_scope", None)
    if cached is not None:
        return cached
    from leanedu.models import Membership

    rows = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
    roles = frozenset(role for _org, role in rows)
    scope = Scope(
        is_authenticated=True,
        is_office=user.is_superuser or bool(roles & OFFICE_ROLES),
        is_admin=user.is_superuser or Role.ADMIN in roles,
        roles=roles,
        coordinator_org_ids=frozenset(org for org, role in rows if role == Role.COORDINATOR),
        official_org_ids=frozenset(org for org, role in rows if role == Role.OFFICIAL),
    )
    user._leanedu_scope = scope
    return scope


def scope_filter(user, organization_field: str = "organization") -> Q:
    """A Q limiting a model's rows to organisations the user may see."""
    return user_scope(user).organization_q(organization_field)
