"""Site-wide pages: home, health check, accessibility switch, policy."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
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
from leanedu.context_processors import landing_url
from leanedu.forms import LoginForm, SecondFactorForm
from leanedu.home import render_home_blocks


def home(request: HttpRequest) -> HttpResponse:
    """The concept text and the blocks the apps register (leanedu.home)."""
    return render(request, "leanedu/home.html", {"home_blocks": render_home_blocks(request)})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_ok() -> bool:
    """A write and a read: sessions live in this cache when Redis is used."""
    from django.core.cache import cache

    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # the cache client's own errors (redis, django-redis)
        return False
    return ok


def _writable(path: Path) -> bool:
    """The folder, or the first existing folder above it (created on first upload)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def _storage_ok() -> bool:
    """Uploaded files (local folder or S3 bucket) and the private folders apps
    declare (``backup_roots()`` on their AppConfig: the proposals' attachments)."""
    from django.core.files.storage import FileSystemStorage, storages

    from leanedu.backup import file_roots

    try:
        storage = storages["default"]
        if isinstance(storage, FileSystemStorage):
            media_ok = _writable(Path(storage.location))
        else:
            storage.exists("healthz-probe")  # one request to the bucket
            media_ok = True
        private_files = storages["private"]  # proposal attachments: the bucket's private prefix when on S3
        if not isinstance(private_files, FileSystemStorage):
            private_files.exists("healthz-probe")
    except Exception:
        return False
    private = [path for name, path in file_roots().items() if name != "media"]
    return media_ok and all(_writable(path) for path in private)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when the database, the cache and the file
    storage all answer, 503 naming what is down. Served by HealthCheckMiddleware
    before the Host header is checked, so a balancer may probe by address."""
    checks = {"database": _database_ok(), "cache": _cache_ok(), "storage": _storage_ok()}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    healthy = all(checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503)


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


class RoleLoginView(LoginView):
    """Sign-in that lands each role where it works (leanedu.context_processors.landing_url),
    unless a safe `next` says otherwise."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)
