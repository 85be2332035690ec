"""The back office's admin site: two-factor sign-in (TOTP, django-otp) for
office staff when ADMIN_REQUIRE_2FA is on (recommended in production).

It is read at request time, so one deployment can switch it by environment
variable and tests can flip it with the settings fixture."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from leanedu.forms import OTP_ERROR_MESSAGES, confirmed_totp_device
from leanedu.two_factor import two_factor_required


class LeaneduOTPLoginForm(OTPAdminAuthenticationForm):
    otp_error_messages = dict(OTPAdminAuthenticationForm.otp_error_messages, **OTP_ERROR_MESSAGES)

    def _chosen_device(self, user):
        return super()._chosen_device(user) or confirmed_totp_device(user)


class LeaneduAdminSite(OTPAdminSite):
    # The lists need the width (a 1,280 px screen); the index and breadcrumbs lead everywhere.
    enable_nav_sidebar = False

    def __init__(self, name: str = "admin"):
        AdminSite.__init__(self, name)

    @property
    def login_form(self):
        return LeaneduOTPLoginForm if two_factor_required() else None

    @property
    def login_template(self):
        return "admin/otp_login.html" if two_factor_required() else None

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin, the project's and other packages', speaks of its model
        in the grammar of the model's name (leanedu/admin_wording.py)."""
        from django.contrib.admin import ModelAdmin

        from leanedu.admin_wording import WordingAdminMixin

        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, WordingAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (WordingAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request) -> bool:
        if two_factor_required():
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
