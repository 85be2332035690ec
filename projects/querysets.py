from __future__ import annotations

from django.db import models


class PilotSiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> PilotSiteQuerySet:
        """Pilot sites are public."""
        return self


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """Public-status projects for everyone, plus every project of the
        organisations in the user's scope (office staff: all)."""
        from leanedu.scoping import user_scope
        from projects.models import PUBLIC_STATUSES

        scope = user_scope(user)
        if scope.sees_everything:
            return self
        public = models.Q(status__in=PUBLIC_STATUSES)
        if not scope.is_authenticated:
            return self.filter(public)
        return self.filter(public | scope.organization_q("organization"))
