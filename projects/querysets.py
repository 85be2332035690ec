"""Reads of pilot sites and projects, scoped to the reader."""

from __future__ import annotations

from django.db import models


class PilotSiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> PilotSiteQuerySet:
        """Pilot sites are public."""
        return self

    def active(self, on=None) -> PilotSiteQuerySet:
        """Sites working on a date (today by default): the rule of
        ``PilotSite.closed_reason`` as one filter (``PilotSite.active_q``)."""
        from django.utils import timezone

        from projects.models import PilotSite

        return self.filter(PilotSite.active_q(on or timezone.localdate()))

    def for_listing(self) -> PilotSiteQuerySet:
        """With everything a card shows, in a fixed number of queries:
        the organisation, the document and the number of public projects."""
        from projects.models import PUBLIC_STATUSES, Project

        projects = (
            Project.objects.filter(organization=models.OuterRef("organization"), status__in=PUBLIC_STATUSES)
            .order_by()
            .values("organization")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.select_related("organization", "document").annotate(
            project_count=models.functions.Coalesce(models.Subquery(projects), 0)
        )


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

    def public(self) -> ProjectQuerySet:
        """What the showcase shows to anyone: approved, in progress, completed."""
        from projects.models import PUBLIC_STATUSES

        return self.filter(status__in=PUBLIC_STATUSES)

    def in_cabinet_of(self, user) -> ProjectQuerySet:
        """Projects of the organisations the user coordinates: what the
        cabinet shows and edits. Anything else is a 404 there."""
        from leanedu.scoping import user_scope

        ids = sorted(user_scope(user).coordinator_org_ids)
        return self.filter(organization_id__in=ids)

    def with_private_files_for(self, user) -> ProjectQuerySet:
        """Projects whose non-public attachments the user may download: their
        organisation is in the user's scope (officials included)."""
        from leanedu.scoping import user_scope

        scope = user_scope(user)
        if not scope.is_authenticated:
            return self.none()
        return self.filter(scope.organization_q("organization"))


class ProjectMetricQuerySet(models.QuerySet):
    def goal_reached(self) -> ProjectMetricQuerySet:
        """Metrics whose «after» reached the goal: ``ProjectMetric.goal_reached``
        as a filter (``projects.models.goal_reached_q``)."""
        from projects.models import goal_reached_q

        return self.filter(goal_reached_q())
