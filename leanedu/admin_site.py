"""The back office's admin site: two-factor sign-in (TOTP, django-otp) for
office staff when ADMIN_REQUIRE_2FA is on (recommended in production).

It is read at request time, so one deployment can switch it by environment
variable and tests can flip it with the settings fixture."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from leanedu.two_factor import two_factor_required


class LeaneduOTPLoginForm(OTPAdminAuthenticationForm):
    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required=_("Enter the one-time code from your authenticator app."),
        invalid_token=_("The one-time code is wrong or expired. Enter the current code from the app."),
        device_required=_("Choose a device."),
        verification_not_allowed=_("Code checking is temporarily disabled; try again in a minute."),
    )

    def _chosen_device(self, user):
        # Staff have one authenticator app: use their confirmed TOTP device
        # rather than asking them to pick it from a list.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return super()._chosen_device(user) or TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


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
