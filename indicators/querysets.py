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

from django.db.models import Q

from leanedu.rules import ADD, CHANGE, DELETE, EVERYTHING, NOTHING, SUBMIT, VIEW, RuledQuerySet
from leanedu.scoping import scope_filter, user_scope


class IndicatorQuerySet(RuledQuerySet):
    """The list of indicators is public; the office keeps it (the default rule)."""

    def entered(self) -> IndicatorQuerySet:
        return self.filter(method="entered")

    def computed(self) -> IndicatorQuerySet:
        return self.exclude(method="entered")

    def active_in(self, year: int) -> IndicatorQuerySet:
        return self.filter(
            Q(active_from_year__lte=year), Q(active_until_year__isnull=True) | Q(active_until_year__gte=year)
        )


class PeriodQuerySet(RuledQuerySet):
    """Periods are public; the office keeps them (the default rule)."""


class TargetQuerySet(RuledQuerySet):
    """Targets are public, like the dashboard they feed; the office sets them."""

    def reportable_by(self, user) -> TargetQuerySet:
        scope = user_scope(user)
        if not scope.is_authenticated:
            return self.none()
        return self.filter(scope_filter(user, "organization"))


class ValueQuerySet(RuledQuerySet):
    def rule(self, scope, action, user):
        """Seen: approved values by everyone (the dashboard is public), a
        coordinator's own organisations' values, submitted and returned ones
        in an official's scope, all by office staff.

        Written: an approved value is locked — nobody changes or deletes it
        until it is reopened with a reason (a review). Coordinators enter and
        change their own organisations' drafts and returned values and submit
        them; office staff change any value that is not locked. Reviewed
        (approve, return, reopen): office staff."""
        from indicators.models import EDITABLE_STATUSES, ValueStatus

        if action == VIEW:
            if scope.is_office:
                return EVERYTHING
            q = Q(status=ValueStatus.APPROVED)
            if scope.coordinator_org_ids:
                q |= Q(organization_id__in=sorted(scope.coordinator_org_ids))
            if scope.official_org_ids:
                q |= Q(status__in=[ValueStatus.SUBMITTED, ValueStatus.RETURNED]) & scope.organization_q("organization")
            return q
        unlocked = ~Q(status=ValueStatus.APPROVED)
        if scope.is_office:
            return unlocked if action in (CHANGE, DELETE) else EVERYTHING
        own = Q(organization_id__in=sorted(scope.coordinator_org_ids))
        if not scope.coordinator_org_ids or action not in (ADD, CHANGE, DELETE, SUBMIT):
            return NOTHING
        # Submitting checks its source status itself, and says so.
        return own if action == SUBMIT else own & Q(status__in=EDITABLE_STATUSES)

    def reportable_by(self, user) -> ValueQuerySet:
        scope = user_scope(user)
        if not scope.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(scope_filter(user, "organization"))

    def within(self, period) -> ValueQuerySet:
        """Values of ``period`` and of every shorter period inside it."""
        from indicators.models import Period

        # Periods are few: filtering on their ids lets PostgreSQL use the
        # (period, organisation) index instead of joining every value.
        inside = Period.objects.filter(starts_on__gte=period.starts_on, ends_on__lte=period.ends_on).values("pk")
        return self.filter(period_id__in=inside)


class SentReminderQuerySet(RuledQuerySet):
    """The reminders log: read by office staff (the digest rows name no
    organisation), written only by the daily job."""

    def rule(self, scope, action, user):
        return EVERYTHING if action == VIEW and scope.is_office else NOTHING
