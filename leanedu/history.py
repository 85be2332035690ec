"""History pages in Russian (django-simple-history): choice labels instead of
codes, «да»/«нет», dates as ДД.ММ.ГГГГ and local times to the minute, and the
services' change reasons said in words."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from leanedu.formats import ru_date, ru_date_time

# What the services write as a change reason (English keys kept in the data).
REASONS = {
    "register": _("registration"),
    "registered": _("registration in the registry"),
    "take in work": _("taken into work"),
    "answer": _("answered"),
    "publish": _("published"),
    "unpublish": _("publication withdrawn"),
    "reject": _("rejected"),
    "convert to project": _("project created"),
    "anonymize": _("personal data removed"),
    "admin": _("changed in the control panel"),
    "status": _("status"),
    # The rulebook's services (leanedu.transitions.set_reason, leanedu.services).
    "created": pgettext_lazy("change reason", "created"),
    "deleted": pgettext_lazy("change reason", "deleted"),
    "import": pgettext_lazy("change reason", "import from a file"),
}


def human_value(model_field, value):
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.BooleanField):
        return pgettext("boolean", "yes") if value else pgettext("boolean", "no")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return ru_date_time(value)
    if isinstance(value, date):
        return ru_date(value)
    return value


def human_reason(model, reason: str | None) -> str:
    """«draft → submitted» → «Черновик → На рассмотрении»; «reject: spam» → «отклонено: спам»."""
    if not reason:
        return "—"
    labels: dict[str, str] = {}
    for field in model._meta.fields:
        if field.choices:
            labels.update({str(code): str(label) for code, label in field.flatchoices})
    text = str(reason)
    for key in sorted(REASONS, key=len, reverse=True):
        text = re.sub(rf"(?<![\w]){re.escape(key)}(?![\w])", str(REASONS[key]), text)
    return re.sub(r"[a-z][a-z_]+", lambda m: labels.get(m.group(), m.group()), text)


class HumanHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        if change.field == "password":  # a password hash is nobody's business, even hashed
            return gettext("(hidden)")
        try:
            model_field = self.model._meta.get_field(change.field)
        except Exception:  # noqa: BLE001
            model_field = None
        if isinstance(model_field, models.ForeignKey | models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return human_value(model_field, value)


def cache_history_manager_classes() -> None:
    """django-simple-history builds a new manager class on every access of
    ``obj.history`` (``HistoryManager.from_queryset``, which inspects every
    method of the queryset), and every history row a service writes goes
    through that access: 7 % of the processor time of a proposal submission.
    The class depends only on the descriptor, so it is built once per descriptor;
    each access still gets its own manager instance."""
    from simple_history.manager import HistoryDescriptor

    if getattr(HistoryDescriptor, "leanedu_cached", False):
        return

    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("leanedu_manager_class")
        if manager_class is None:
            manager_class = self.leanedu_manager_class = self.manager_class.from_queryset(self.queryset_class)
        return manager_class(self.model, instance)

    HistoryDescriptor.__get__ = __get__
    HistoryDescriptor.leanedu_cached = True
