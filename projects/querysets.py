"""Reads of pilot sites and projects, scoped to the reader."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from leanedu.rules import EVERYTHING, NOTHING, REVIEW, SUBMIT, VIEW, ChildRuledQuerySet, RuledQuerySet


def _day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a local calendar day (the log keeps aware times)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PilotSiteQuerySet(RuledQuerySet):
    """Pilot sites are public; the office keeps them (the default rule)."""

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


class ProjectQuerySet(RuledQuerySet):
    def rule(self, scope, action, user):
        """Seen: public-status projects by everyone, every project of the
        organisations in the user's scope, all by office staff. Written (add,
        change): the office, and a coordinator for their own organisation — the
        status a change needs is the service's to check. Submitted: by a
        coordinator of the organisation only. Deleted: the office.
        Reviewed (approve, return, start, complete, cancel): the office."""
        from projects.models import PUBLIC_STATUSES

        own = models.Q(organization_id__in=sorted(scope.coordinator_org_ids))
        if action == SUBMIT:  # the organisation's own decision, never the office's
            return own if scope.coordinator_org_ids else NOTHING
        if scope.is_office:
            return EVERYTHING
        if action == VIEW:
            public = models.Q(status__in=PUBLIC_STATUSES)
            return public | scope.organization_q("organization") if scope.is_authenticated else public
        if action == REVIEW or not scope.coordinator_org_ids:
            return NOTHING
        return own if action in ("add", "change") else NOTHING

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

    def _logged(self, status: str, since: datetime.date | None, until: datetime.date) -> models.Q:
        """The status log first reached ``status`` between two local dates
        (inclusive; ``since=None``: any time up to ``until``)."""
        from projects.models import ProjectTransition

        log = ProjectTransition.objects.filter(project=models.OuterRef("pk"), to_status=status)
        when = models.Q(created_at__lt=_day_start(until + datetime.timedelta(days=1)))
        reached = models.Q(models.Exists(log.filter(when)))
        if since is not None:
            # The first time counts: a second approval after a return does not move the date.
            reached &= ~models.Q(models.Exists(log.filter(created_at__lt=_day_start(since))))
        return reached

    def completed_between(self, since: datetime.date | None, until: datetime.date) -> ProjectQuerySet:
        """Projects completed between two local dates, as their status log
        dates it (completion is final). A completed project without a log row
        (entered before the log existed) is dated by its actual end."""
        from projects.models import ProjectStatus, ProjectTransition

        logged = models.Exists(
            ProjectTransition.objects.filter(project=models.OuterRef("pk"), to_status=ProjectStatus.COMPLETED)
        )
        by_end = models.Q(actual_end__lte=until) & (
            models.Q(actual_end__gte=since) if since is not None else models.Q()
        )
        return self.filter(status=ProjectStatus.COMPLETED).filter(
            self._logged(ProjectStatus.COMPLETED, since, until) | (~models.Q(logged) & by_end)
        )

    def approved_between(self, since: datetime.date | None, until: datetime.date) -> ProjectQuerySet:
        """Projects first approved between two local dates (by the status log),
        whatever happened to them later, except cancellation."""
        from projects.models import ProjectStatus

        return self.exclude(status=ProjectStatus.CANCELLED).filter(self._logged(ProjectStatus.APPROVED, since, until))

    def replicable(self) -> ProjectQuerySet:
        """Standard solutions other organisations may repeat: marked so and public."""
        return self.public().filter(is_replicable=True)

    def copies_elsewhere(self) -> ProjectQuerySet:
        """Projects that repeat another organisation's standard solution."""
        return self.filter(source__isnull=False).exclude(organization=models.F("source__organization"))

    def repeated_elsewhere(self) -> ProjectQuerySet:
        """Standard solutions at least one other organisation repeated (a public copy)."""
        from projects.models import Project

        copies = Project.objects.public().copies_elsewhere().filter(source=models.OuterRef("pk"))
        return self.filter(models.Exists(copies))

    def replications_between(self, since: datetime.date | None, until: datetime.date) -> ProjectQuerySet:
        """Copies in other organisations whose approval (the status log) falls
        between two local dates: when a replication counts."""
        return self.copies_elsewhere().approved_between(since, until)

    def with_milestones(self) -> ProjectQuerySet:
        """``approved_at``, ``started_at``, ``completed_at``: when the status log
        first recorded each step (None when it never did)."""
        from projects.models import ProjectStatus, ProjectTransition

        def first(status):
            log = ProjectTransition.objects.filter(project=models.OuterRef("pk"), to_status=status)
            return models.Subquery(log.order_by("created_at").values("created_at")[:1])

        return self.annotate(
            approved_at=first(ProjectStatus.APPROVED),
            started_at=first(ProjectStatus.IN_PROGRESS),
            completed_at=first(ProjectStatus.COMPLETED),
        )

    def goal_evaluable(self) -> ProjectQuerySet:
        """Projects with at least one metric that has both a goal and an «after» value."""
        from projects.models import ProjectMetric

        return self.filter(models.Exists(ProjectMetric.objects.filter(project=models.OuterRef("pk")).evaluable()))

    def goal_reached(self) -> ProjectQuerySet:
        """Projects whose every evaluable metric reached its goal (and that have one)."""
        from projects.models import ProjectMetric

        missed = ProjectMetric.objects.filter(project=models.OuterRef("pk")).evaluable().goal_missed()
        return self.goal_evaluable().exclude(models.Exists(missed))

    def with_private_files_for(self, user) -> ProjectQuerySet:
        """Projects whose non-public attachments the user may download: their
        organisation is in the user's scope (officials included)."""
        from leanedu.scoping import user_scope

        scope = user_scope(user)
        if not scope.is_authenticated:
            return self.none()
        return self.filter(scope.organization_q("organization"))


class ProjectPartQuerySet(ChildRuledQuerySet):
    """Team members, attachments, transitions: seen and written with their project."""

    parent_field = "project"


class ProjectLogQuerySet(ProjectPartQuerySet):
    """The transition log: read with the project, written only by transitions."""

    def rule(self, scope, action, user):
        return super().rule(scope, action, user) if action == VIEW else NOTHING


class ProjectMetricQuerySet(ProjectPartQuerySet):
    def evaluable(self) -> ProjectMetricQuerySet:
        """Metrics with both a goal and an «after» value."""
        return self.filter(target_value__isnull=False, actual_value__isnull=False)

    def goal_reached(self) -> ProjectMetricQuerySet:
        """Metrics whose «after» reached the goal: ``ProjectMetric.goal_reached``
        as a filter (``projects.models.goal_reached_q``)."""
        from projects.models import goal_reached_q

        return self.filter(goal_reached_q())

    def goal_missed(self) -> ProjectMetricQuerySet:
        """Evaluable metrics whose «after» did not reach the goal."""
        from projects.models import goal_reached_q

        return self.evaluable().exclude(goal_reached_q())
