"""Reads of the indicators app, scoped to the reader.

Two notions of "visible":
- ``visible_to(user)``: what a page may show. Approved values are public (the
  dashboard is public); a coordinator also sees their organisation's drafts;
  an official also sees submitted and returned values in their scope; office
  staff see everything.
- ``reportable_by(user)``: what a report file may hold — ``visible_to`` cut to
  the reader's organisation scope (an official of a municipality exports that
  municipality only). Nobody without a scope gets a row."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from leanedu.scoping import scope_filter, user_scope


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user) -> IndicatorQuerySet:
        """The list of indicators is public."""
        return self

    def entered(self) -> IndicatorQuerySet:
        return self.filter(method="entered")

    def computed(self) -> IndicatorQuerySet:
        return self.exclude(method="entered")

    def active_in(self, year: int) -> IndicatorQuerySet:
        return self.filter(
            Q(active_from_year__lte=year), Q(active_until_year__isnull=True) | Q(active_until_year__gte=year)
        )


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> TargetQuerySet:
        """Targets are public, like the dashboard they feed."""
        return self

    def reportable_by(self, user) -> TargetQuerySet:
        scope = user_scope(user)
        if not scope.is_authenticated:
            return self.none()
        return self.filter(scope_filter(user, "organization"))


class ValueQuerySet(models.QuerySet):
    def visible_to(self, user) -> ValueQuerySet:
        scope = user_scope(user)
        if scope.sees_everything:
            return self
        public = Q(status="approved")
        if not scope.is_authenticated:
            return self.filter(public)
        q = public
        if scope.coordinator_org_ids:
            q |= Q(organization_id__in=sorted(scope.coordinator_org_ids))
        if scope.official_org_ids:
            q |= Q(status__in=["submitted", "returned"]) & scope_filter(user, "organization")
        return self.filter(q)

    def reportable_by(self, user) -> ValueQuerySet:
        scope = user_scope(user)
        if not scope.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(scope_filter(user, "organization"))

    def editable_by(self, user) -> ValueQuerySet:
        """Values the user may enter or change: a coordinator's own organisations; office: all."""
        scope = user_scope(user)
        if scope.sees_everything:
            return self
        if scope.coordinator_org_ids:
            return self.filter(organization_id__in=sorted(scope.coordinator_org_ids))
        return self.none()

    def within(self, period) -> ValueQuerySet:
        """Values of ``period`` and of every shorter period inside it."""
        from indicators.models import Period

        # Periods are few: filtering on their ids lets PostgreSQL use the
        # (period, organisation) index instead of joining every value.
        inside = Period.objects.filter(starts_on__gte=period.starts_on, ends_on__lte=period.ends_on).values("pk")
        return self.filter(period_id__in=inside)
