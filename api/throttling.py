"""Throttles: anonymous readers per address, token holders per user. The
counters live in the default cache (Redis when configured, so every app
server shares them). Rates are read from settings at each request, so a test
or an operator can change them without a restart of the class."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from leanedu.client_ip import client_ip


class AnonymousPerAddress(SimpleRateThrottle):
    scope = "anon"

    def get_rate(self):
        return settings.API_ANON_RATE or None

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        # The visitor's address as everywhere else (DJANGO_BEHIND_PROXY, DJANGO_TRUSTED_PROXIES).
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return settings.API_TOKEN_RATE or None

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
