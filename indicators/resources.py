"""django-import-export resources of the admin. Imported rows are saved
through the kernel's service (``ServiceResource``), under the rulebook."""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from indicators.models import Indicator, Target, Value
from leanedu.resources import ServiceResource


class IndicatorResource(ServiceResource):
    class Meta:
        model = Indicator
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "unit",
            "direction",
            "level",
            "method",
            "aggregation",
            "active_from_year",
            "active_until_year",
            "sort_order",
        )


class TargetResource(ServiceResource):
    indicator = fields.Field("indicator", "indicator", ForeignKeyWidget(Indicator, "code"))

    class Meta:
        model = Target
        fields = ("id", "indicator", "period", "organization", "value", "baseline_year", "baseline_value")


class ValueResource(resources.ModelResource):
    indicator = fields.Field("indicator", "indicator", ForeignKeyWidget(Indicator, "code"))
    organization_name = fields.Field("organization__short_name", "organization_name", readonly=True)

    class Meta:
        model = Value
        fields = ("id", "indicator", "period", "organization", "organization_name", "value", "status", "comment")
