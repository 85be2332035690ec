"""Reads of proposals, scoped to the reader."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from leanedu.rules import DELETE, EVERYTHING, NOTHING, ChildRuledQuerySet, RuledQuerySet


class ProposalQuerySet(RuledQuerySet):
    def rule(self, scope, action, user):
        """Proposals hold personal data: office staff see and handle them,
        nobody else any; only administrators delete one."""
        if action == DELETE:
            return EVERYTHING if scope.is_admin else NOTHING
        return EVERYTHING if scope.is_office else NOTHING

    def open(self) -> ProposalQuerySet:
        from proposals.models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None) -> ProposalQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def due_soon(self, today=None, days: int = 3) -> ProposalQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))

    def published_answers(self) -> ProposalQuerySet:
        """What «Мы ответили» shows: answered, published, author agreed."""
        from proposals.models import Status

        return self.filter(status=Status.ANSWERED, published=True, publish_consent=True)


class ProposalAttachmentQuerySet(ChildRuledQuerySet):
    parent_field = "proposal"
