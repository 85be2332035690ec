"""Personal API tokens: a user's key to read the API with their own scope.

Only a SHA-256 of the key is stored; the key itself is shown once, when it is
created. A revoked token stays as a row (who had access, until when)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy

from api.querysets import ApiTokenQuerySet
from leanedu.wording import Noun

# Keys look like «le_<prefix>_<secret>»: the prefix is stored in clear to find
# and show a token, the whole key only as a hash.
KEY_PREFIX = "le_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """One personal token. It authenticates as its user, so it reads exactly
    what the user may read on the site (``visible_to``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("beginning of the key"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "API token"),
        genitive=pgettext_lazy("genitive", "API token"),
        selected=pgettext_lazy("accusative plural", "selected API tokens"),
        count=npgettext_lazy("count", "%(count)s API token", "%(count)s API tokens", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
