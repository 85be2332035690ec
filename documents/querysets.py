from __future__ import annotations

from django.db import models


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> DocumentQuerySet:
        """Public documents for everyone; internal ones for signed-in roles."""
        from leanedu.scoping import user_scope

        scope = user_scope(user)
        if scope.sees_everything or scope.roles:
            return self
        return self.filter(is_public=True)
