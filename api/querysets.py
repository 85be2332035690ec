"""Reads of personal tokens, scoped to the reader by the rulebook."""

from __future__ import annotations

from django.db.models import Q

from leanedu.rules import CHANGE, EVERYTHING, NOTHING, VIEW, RuledQuerySet


class ApiTokenQuerySet(RuledQuerySet):
    def rule(self, scope, action: str, user) -> Q | None:
        """A user sees and revokes (changes) their own tokens; office staff
        see and revoke everyone's. Nobody adds or deletes a token through a
        page: a token is created on the user's page and kept once revoked."""
        if user is None or not user.is_authenticated or action not in (VIEW, CHANGE):
            return NOTHING
        return EVERYTHING if scope.is_office else Q(user=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)
