"""Site-wide pages: home, health check, accessibility switch, policy."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from leanedu.accessibility import COOKIE_MAX_AGE, COOKIE_NAME, A11ySettings
from leanedu.home import render_home_blocks


def home(request: HttpRequest) -> HttpResponse:
    """The concept text and the blocks the apps register (leanedu.home)."""
    return render(request, "leanedu/home.html", {"home_blocks": render_home_blocks(request)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def accessibility_switch(request: HttpRequest) -> HttpResponse:
    """Apply one accessibility action and go back to the page it came from."""
    current = A11ySettings.from_cookie(request.COOKIES.get(COOKIE_NAME))
    updated = current.apply(request.POST.get("action", ""))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        COOKIE_NAME,
        updated.to_cookie(),
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "leanedu/privacy.html")
