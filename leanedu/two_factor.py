"""Two-factor sign-in wherever personal data is (ADMIN_REQUIRE_2FA).

With the setting on, a session signed in with a password alone reaches no
page that could show or return personal data or files: proposal attachments,
reports, the coordinator's area, project files, the back office. It is sent
to one page that asks for the one-time code from the user's authenticator
app (django-otp), and then goes on to where it was going. The rule sits in a
middleware rather than on chosen views, so a view added later is covered too;
what stays open is listed below and shows nothing personal."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.urls import reverse


def two_factor_required() -> bool:
    return bool(getattr(settings, "ADMIN_REQUIRE_2FA", False))


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("verify"),
        reverse("logout"),
        reverse("login"),
        reverse("healthz"),
        reverse("accessibility"),
        reverse("privacy"),
        settings.STATIC_URL,
        # The back office asks for the code on its own sign-in page.
        "/" + settings.ADMIN_URL.lstrip("/"),
    )


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: an unverified session goes to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            two_factor_required()
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_open_paths())
        ):
            return redirect_to_login(request.get_full_path(), resolve_url("verify"))
        return self.get_response(request)
