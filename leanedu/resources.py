"""Export and import files in Russian (django-import-export).

`HumanResource` is the base of every resource: its columns are named by the
model fields' verbose names («Вид документа», not «kind»), and its cells hold
what a person reads: choice labels instead of codes, «да»/«нет», dates as
ДД.ММ.ГГГГ, times in local time to the minute. An import reads the same file
back: a label or a code, «да»/«нет» or 1/0.

Imports write through services, like every other write. django-import-export
saves each row with ``instance.save()`` by default: no rule, no service, no
history user. A resource built on ``ServiceResource`` hands each row to
``import_save`` (by default the kernel's ``record_save``, which asks the
rulebook) with the importing user, so a file can do nothing its importer could
not do on the change page. The admin runs the import in one transaction and
undoes it on any refused row (all or nothing)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from import_export import resources, widgets

from leanedu.formats import DATE, DATE_TIME, ru_date, ru_date_time
from leanedu.services import record_delete, record_save


class ChoiceLabelWidget(widgets.Widget):
    """A choice's label in the file; the label or the code on import."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        text = str(value).strip()
        for code, label in self.choices:
            if text in (str(code), str(label)):
                return code
        raise ValueError(gettext("Unknown value «%(value)s».") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        return str(dict(self.choices).get(value, value))


class YesNoWidget(widgets.BooleanWidget):
    """«да» / «нет»; 1/0, true/false and the English words are read too."""

    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "да", "Да", "ДА"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "нет", "Нет", "НЕТ"]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return pgettext("boolean", "yes") if value else pgettext("boolean", "no")


class RussianDateWidget(widgets.DateWidget):
    """ДД.ММ.ГГГГ as text in CSV; in XLSX a real date cell (the format hands
    over native values, ``force_native_type``), shown as ДД.ММ.ГГГГ, so a
    spreadsheet sorts and filters it as a date."""

    def __init__(self, **kwargs):
        super().__init__(format=DATE, **kwargs)

    def render(self, value, obj=None, **kwargs):
        if not isinstance(value, date):
            return None if kwargs.get("force_native_type") else ""
        if kwargs.get("force_native_type"):
            return value
        return ru_date(value)


class RussianDateTimeWidget(widgets.DateTimeWidget):
    """Local time to the minute: ДД.ММ.ГГГГ ЧЧ:ММ (a date-time cell in XLSX)."""

    def __init__(self, **kwargs):
        super().__init__(format=DATE_TIME, **kwargs)

    def render(self, value, obj=None, **kwargs):
        if not isinstance(value, datetime):
            return None if kwargs.get("force_native_type") else ""
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if kwargs.get("force_native_type"):
            # A spreadsheet has no time zones: the local time, to the minute.
            return value.replace(tzinfo=None, second=0, microsecond=0)
        return ru_date_time(value)


class HumanResource(resources.ModelResource):
    """Russian column names and human values for the model's own fields; a
    resource's explicit column names and widgets are kept."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            model_field = _model_field(model, field.attribute or name)
            if model_field is None:
                continue
            if field.column_name == name:
                field.column_name = _header(model_field)
            field.widget = _human_widget(model_field, field.widget)


def _model_field(model, attribute: str):
    name = attribute.removesuffix("_id")
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — a computed column, not a model field
        return None


def _header(model_field) -> str:
    if model_field.primary_key:
        return "ID"
    return capfirst(str(model_field.verbose_name))


def _human_widget(model_field, widget):
    kind = type(widget)
    if model_field.choices and kind in (widgets.Widget, widgets.CharWidget):
        return ChoiceLabelWidget(model_field.flatchoices)
    if isinstance(model_field, models.BooleanField) and kind is widgets.BooleanWidget:
        return YesNoWidget()
    if isinstance(model_field, models.DateTimeField) and kind is widgets.DateTimeWidget:
        return RussianDateTimeWidget()
    if isinstance(model_field, models.DateField) and kind is widgets.DateWidget:
        return RussianDateWidget()
    return widget


class ServiceResource(HumanResource):
    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        # The dry run (the preview) saves too, inside a transaction that is
        # rolled back, so a row the service refuses shows in the preview.
        self.import_save(instance, is_create=is_create, actor=kwargs.get("user"))
        self.after_save_instance(instance, row, **kwargs)

    def delete_instance(self, instance, row, **kwargs):
        self.before_delete_instance(instance, row, **kwargs)
        record_delete(actor=kwargs.get("user"), obj=instance, reason="import")
        self.after_delete_instance(instance, row, **kwargs)

    def import_save(self, instance, *, is_create: bool, actor) -> None:
        record_save(actor=actor, obj=instance, adding=is_create, reason="import")
