"""Reads of the shared kernel, scoped to the reader."""

from __future__ import annotations

from django.db import models


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganizationQuerySet:
        """Organisations whose non-public data the user may see."""
        from leanedu.scoping import user_scope

        return self.filter(user_scope(user).organization_q())

    def education(self) -> OrganizationQuerySet:
        """Schools, kindergartens, colleges… — not authorities."""
        return self.exclude(kind__in=["region", "municipal"])

    def authorities(self) -> OrganizationQuerySet:
        return self.filter(kind__in=["region", "municipal"])

    def municipalities(self) -> OrganizationQuerySet:
        return self.filter(kind="municipal")


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user) -> MembershipQuerySet:
        from leanedu.scoping import user_scope

        scope = user_scope(user)
        if scope.sees_everything:
            return self
        return self.filter(user=user) if user.is_authenticated else self.none()
