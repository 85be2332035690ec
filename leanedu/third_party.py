"""Russian names for what other packages show in the control panel (issue 11,
item 2): their strings that are not marked for translation (django-otp's
field names and help, the apps' names, axes' and the M2M link rows' titles)
get translatable ones here, once, at start-up; those that are marked are
translated in the project's catalogue (locale/ru). Checked by
tests/leanedu/test_admin_wording.py::test_no_english_on_the_admin_pages."""

from __future__ import annotations

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("Sign-in attempts"),
    "otp_totp": _("Two-factor authentication"),
    "django_tasks_database": _("Background tasks"),
}

TOTP_FIELDS = {
    "user": (_("user"), _("Whose authenticator app this is.")),
    "name": (_("name"), _("A name to tell the apps apart, e.g. «телефон»).")),
    "confirmed": (_("confirmed"), _("Codes from this app are accepted.")),
    "created_at": (_("date added"), ""),
    "last_used_at": (_("last used"), ""),
    "throttling_failure_timestamp": (_("last failed code"), ""),
    "throttling_failure_count": (_("failed codes in a row"), ""),
    "key": (_("secret key"), _("The key in hexadecimal, up to 40 bytes.")),
    "step": (_("code interval, seconds"), ""),
    "t0": (_("time origin"), ""),
    "digits": (_("digits in a code"), ""),
    "tolerance": (_("accepted clock steps"), _("How many intervals before or after the current one are accepted.")),
    "drift": (_("clock drift"), ""),
    "last_t": (_("last accepted interval"), ""),
}

TOTP_FIELDSETS = {
    "Identity": _("Account"),
    "Timestamps": _("Dates of use"),
    "Configuration": _("Settings"),
    "State": _("State"),
    "Throttling": _("Failed codes"),
}

PERMISSION_ACTIONS = {
    "add": _("adding"),
    "change": _("changing"),
    "delete": _("deleting"),
    "view": _("viewing"),
}


def _totp() -> None:
    from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice._meta.verbose_name = _("authenticator app")
    TOTPDevice._meta.verbose_name_plural = _("authenticator apps")
    for name, (label, help_text) in TOTP_FIELDS.items():
        field = TOTPDevice._meta.get_field(name)
        # Migrations keep seeing the package's own field (no migration of a
        # third-party app for a label): its deconstruction is fixed before the change.
        field.deconstruct = (lambda frozen: lambda: frozen)(field.deconstruct())
        field.verbose_name, field.help_text = label, help_text
    original = TOTPDeviceAdmin.get_fieldsets

    def get_fieldsets(self, request, obj=None):
        return [(TOTP_FIELDSETS.get(title, title), options) for title, options in original(self, request, obj)]

    TOTPDeviceAdmin.get_fieldsets = get_fieldsets
    TOTPDeviceAdmin.search_help_text = _("Search by user name.")


def _axes() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessLog.__str__ = lambda self: (
        gettext("Sign-in of %(user)s at %(time)s")
        % {
            "user": self.username,
            "time": self.attempt_time,
        }
    )
    AccessAttempt.__str__ = lambda self: gettext("Failed sign-in attempts of %(user)s") % {"user": self.username}
    AccessFailureLog.__str__ = lambda self: (
        gettext("Failed sign-in of %(user)s at %(time)s")
        % {
            "user": self.username,
            "time": self.attempt_time,
        }
    )


def _link_rows() -> None:
    """The rows of the project's many-to-many links (a document's tags…), as
    the delete pages list them: «Связь: документ — тег», not «Document_tags object»."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.auto_created:
            continue
        left, right = (f for f in meta.fields if f.is_relation)
        meta.verbose_name = _link_name(left.related_model, right.related_model)
        meta.verbose_name_plural = meta.verbose_name
        model.__str__ = lambda self, left=left.name, right=right.name: f"{getattr(self, left)} — {getattr(self, right)}"


def _link_name(left, right):
    from django.utils.functional import lazy

    return lazy(
        lambda: (
            gettext("link: %(left)s — %(right)s") % {"left": left._meta.verbose_name, "right": right._meta.verbose_name}
        ),
        str,
    )()


def _subject(model) -> str:
    """What a permission is about: a model's plural name; a history table's, as «История: …»."""
    meta = model._meta
    if meta.model_name.startswith("historical"):
        base = getattr(model, "instance_type", None)
        if base is None:  # the history of a many-to-many link: named after its owner
            owner = meta.model_name.removeprefix("historical").split("_")[0]
            base = next((m for m in apps.get_models() if m._meta.model_name == owner), None)
        if base is not None:
            return gettext("History: %(name)s") % {"name": base._meta.verbose_name_plural}
    return capfirst(str(meta.verbose_name_plural))


def _permission_str(self) -> str:
    model = self.content_type.model_class()
    if model is None:
        return gettext(self.name)
    action, _sep, rest = self.codename.partition("_")
    label = PERMISSION_ACTIONS.get(action) if rest == model._meta.model_name else None
    return f"{_subject(model)}: {label or gettext(self.name)}"


def install() -> None:
    from django.contrib.auth.models import Permission

    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    if apps.is_installed("django_otp.plugins.otp_totp"):
        _totp()
    if apps.is_installed("axes"):
        _axes()
    _link_rows()
    Permission.__str__ = _permission_str
