from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin

# What both sign-ins (the site's second step and the admin's) say when a
# one-time code is refused.
OTP_ERROR_MESSAGES = {
    "token_required": _("Enter the one-time code from your authenticator app."),
    "invalid_token": _("The one-time code is wrong or expired. Enter the current code from the app."),
    "device_required": _("Choose a device."),
    "verification_not_allowed": _("Code checking is temporarily disabled; try again in a minute."),
}


def confirmed_totp_device(user):
    """The user's authenticator app: staff have one, so nobody picks it from a list."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SecondFactorForm(OTPAuthenticationFormMixin, forms.Form):
    """The one-time code of a signed-in user (their confirmed TOTP device)."""

    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=8,
        help_text=_("Six digits from the authenticator app on your phone."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    otp_error_messages = dict(OTPAuthenticationFormMixin.otp_error_messages, **OTP_ERROR_MESSAGES)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _chosen_device(self, user):
        return confirmed_totp_device(user)

    def clean(self):
        cleaned = super().clean()
        self.clean_otp(self.user)
        return cleaned
