"""Writes of personal tokens: every one takes the acting user."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from api.models import KEY_PREFIX, ApiToken, hash_key
from leanedu.rules import CHANGE, require

# A user keeps a handful of tokens (one per script or system), not hundreds.
MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``; returns it and the key, which is never stored
    and cannot be shown again."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    if ApiToken.objects.filter(user=actor).active().count() >= MAX_ACTIVE_TOKENS:
        raise PermissionDenied("too many active tokens")
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=actor, name=name.strip()[:100], prefix=prefix, key_hash=hash_key(key))
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner or office staff (the rule of ``ApiTokenQuerySet``)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    require(actor, CHANGE, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
