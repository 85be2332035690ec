"""Reads of the shared kernel, scoped to the reader by the rulebook."""

from __future__ import annotations

from django.db.models import Q

from leanedu.rules import EVERYTHING, NOTHING, VIEW, RuledQuerySet
from leanedu.scoping import user_scope


class OrganizationQuerySet(RuledQuerySet):
    def rule(self, scope, action, user):
        """Seen within the user's scope; created and changed by administrators
        (the office reads the tree but does not edit it)."""
        if action == VIEW:
            return scope.organization_q() if scope.is_authenticated else NOTHING
        return EVERYTHING if scope.is_admin else NOTHING

    def education(self) -> OrganizationQuerySet:
        """Schools, kindergartens, colleges… — not authorities."""
        return self.exclude(kind__in=["region", "municipal"])

    def authorities(self) -> OrganizationQuerySet:
        return self.filter(kind__in=["region", "municipal"])

    def municipalities(self) -> OrganizationQuerySet:
        return self.filter(kind="municipal")

    def coordinated_by(self, user) -> OrganizationQuerySet:
        """The organisations ``user`` is a coordinator of: their cabinet's
        projects and entry grid (none for anybody else)."""
        return self.filter(pk__in=sorted(user_scope(user).coordinator_org_ids))


class MembershipQuerySet(RuledQuerySet):
    def rule(self, scope, action, user):
        """Office staff see every membership, others their own; only
        administrators give, change or take away roles."""
        if action == VIEW:
            if scope.is_office:
                return EVERYTHING
            return Q(user=user) if scope.is_authenticated else NOTHING
        return EVERYTHING if scope.is_admin else NOTHING
