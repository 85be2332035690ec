"""Site-wide pages: home, health check, accessibility switch, policy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from leanedu.accessibility import COOKIE_MAX_AGE, COOKIE_NAME, A11ySettings
from leanedu.forms import SecondFactorForm


def home(request: HttpRequest) -> HttpResponse:
    from documents.models import Document

    latest_documents = (
        Document.objects.visible_to(request.user).select_related("authority").order_by("-date_signed", "-pk")[:5]
    )
    return render(request, "leanedu/home.html", {"latest_documents": latest_documents})


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


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The one-time code that opens personal data to a password-signed session
    (leanedu/two_factor.py); then on to the page the user was going to."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    if request.user.is_verified():
        return HttpResponseRedirect(next_url)
    has_device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()
    form = SecondFactorForm(request.user, request.POST or None)
    if request.method == "POST" and has_device and form.is_valid():
        otp_login(request, request.user.otp_device)
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "registration/verify.html",
        {"form": form, "has_device": has_device, "next": next_url},
        status=200 if has_device else 403,
    )


def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "leanedu/privacy.html")
