"""Reads of personal tokens, scoped to the reader."""

from __future__ import annotations

from django.db import models


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApiTokenQuerySet:
        """A user sees their own tokens; office staff see everyone's (to revoke)."""
        from leanedu.scoping import user_scope

        if user is None or not user.is_authenticated:
            return self.none()
        if user_scope(user).is_office:
            return self
        return self.filter(user=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)
