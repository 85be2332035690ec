"""List filters shared by the control panel's lists of rows that belong to an
organisation (projects, indicator values, …)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from leanedu.models import Organization


class MunicipalityFilter(admin.SimpleListFilter):
    title = _("municipality")
    parameter_name = "municipality"

    def lookups(self, request, model_admin):
        return [(str(m.pk), m.short_name) for m in Organization.objects.municipalities().only("pk", "short_name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(organization__municipality_id=self.value())
        return queryset


class OrganizationFilter(admin.SimpleListFilter):
    """Organisations of the chosen municipality: a region has ~2,000 of them,
    too many for one list, so the list appears once a municipality is chosen."""

    title = _("organisation")
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        municipality = request.GET.get(MunicipalityFilter.parameter_name)
        if not (municipality and municipality.isdigit()):
            return []
        return [
            (str(o.pk), o.short_name)
            for o in Organization.objects.filter(municipality_id=municipality).education().only("pk", "short_name")
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(organization_id=self.value())
        return queryset
