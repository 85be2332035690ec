"""Reads of proposals, scoped to the reader."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProposalQuerySet:
        """Proposals hold personal data: office staff see all, nobody else any."""
        from leanedu.scoping import user_scope

        return self if user_scope(user).is_office else self.none()

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
