"""django-import-export resources of the admin. Imported rows are saved
through the kernel's service (``ServiceResource``), under the rulebook."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets
from import_export.widgets import ForeignKeyWidget

from indicators.models import Indicator, Period, Target, Value
from leanedu.resources import HumanResource, ServiceResource


class PeriodWidget(widgets.Widget):
    """A period as people name it («I квартал 2026 года»); on import, that name or its code (2026-Q1)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        period = Period.from_code(text)
        if period is None:
            period = next((p for p in Period.objects.all() if str(p) == text), None)
        if period is None:
            raise ValueError(gettext("Unknown period «%(value)s».") % {"value": text})
        return period

    def render(self, value, obj=None, **kwargs):
        return str(value) if value is not None else ""


class IndicatorResource(ServiceResource):
    name = fields.Field(attribute="name", column_name=pgettext_lazy("indicator", "Name"))

    class Meta:
        model = Indicator
        import_id_fields = ("code",)
        fields = (*Indicator.DEFINITION_FIELDS, "sort_order")


class FigureResource(HumanResource):
    """A figure per indicator, period and organisation (a target, a value):
    the indicator by its code, the period as people name it, the
    organisation's name beside its identifier."""

    indicator = fields.Field("indicator", "indicator", ForeignKeyWidget(Indicator, "code"))
    period = fields.Field("period", "period", PeriodWidget())
    organization_name = fields.Field("organization__short_name", _("Organisation name"), readonly=True)


class TargetResource(FigureResource, ServiceResource):
    class Meta:
        model = Target
        fields = (
            "id",
            "indicator",
            "period",
            "organization",
            "organization_name",
            "value",
            "baseline_year",
            "baseline_value",
        )


class ValueResource(FigureResource):
    class Meta:
        model = Value
        fields = ("id", "indicator", "period", "organization", "organization_name", "value", "status", "comment")
