"""Filters of the API lists: the same ones as the site's pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from documents.models import Document, DocumentStatus
from indicators.models import PERIOD_CODE_RE, PeriodKind, Target, Value, ValueStatus, parse_period_code
from leanedu.models import Organization, OrganizationKind
from projects.filters import EDUCATION_KINDS, search_q
from projects.models import PilotSite, PilotSiteLevel, Project, ProjectStage, ProjectStatus

PERIOD_CODE = PERIOD_CODE_RE  # the schema documents it (api/views.py)


def period_q(code: str, prefix: str = "period") -> Q | None:
    """A filter for a period code (2025, 2025-H1, 2025-Q3, 2025-2026) without a query; None if malformed."""
    try:
        kind, year, number = parse_period_code(code)
    except ValueError:
        return None
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}kind": kind, f"{p}year": year, f"{p}number": number})


def IdFilter(field_name: str, **kwargs):  # noqa: N802 — reads like the filter classes around it
    """An id: a whole number a bigint column can hold (else a 400, not a database error)."""
    return django_filters.NumberFilter(
        field_name=field_name, min_value=1, max_value=2**63 - 1, decimal_places=0, **kwargs
    )


def YearFilter(field_name: str, **kwargs):  # noqa: N802
    return django_filters.NumberFilter(field_name=field_name, min_value=1, max_value=9999, decimal_places=0, **kwargs)


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", help_text="Russian full-text search, as on /documents/")
    kind = django_filters.CharFilter(field_name="kind__slug", help_text="Kind code, e.g. rasporyazhenie")
    authority = IdFilter("authority_id")
    year = YearFilter("date_signed", lookup_expr="year")
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices)
    tag = django_filters.CharFilter(field_name="tags__slug")

    class Meta:
        model = Document
        fields = ["q", "kind", "authority", "year", "status", "tag"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The site's search (stems, numbers, dates); the list keeps the cursor's order.
        return queryset.filter(pk__in=Document.objects.search(value).values("pk"))


class PilotSiteFilter(django_filters.FilterSet):
    organization = IdFilter("organization_id")
    municipality = IdFilter("organization__municipality_id")
    level = django_filters.ChoiceFilter(choices=PilotSiteLevel.choices)
    active = django_filters.BooleanFilter(method="filter_active", help_text="Working today (true) or closed (false)")

    class Meta:
        model = PilotSite
        fields = ["organization", "municipality", "level", "active"]

    def filter_active(self, queryset, name, value):
        active = PilotSite.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", help_text="Search, as on /projects/")
    tool = IdFilter("tools")
    stage = django_filters.ChoiceFilter(choices=ProjectStage.choices)
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    kind = django_filters.ChoiceFilter(field_name="organization__kind", choices=EDUCATION_KINDS)
    municipality = IdFilter("organization__municipality_id")
    organization = IdFilter("organization_id")
    replicable = django_filters.BooleanFilter(field_name="is_replicable", help_text="Typical solutions only")

    class Meta:
        model = Project
        fields = ["q", "tool", "stage", "status", "kind", "municipality", "organization", "replicable"]

    def filter_search(self, queryset, name, value):
        value = value.strip()[:200]
        return queryset.filter(search_q(value)) if value else queryset


class PeriodCodeFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        q = period_q(value)
        return qs.filter(q) if q is not None else qs.none()


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    municipality = IdFilter("municipality_id")
    parent = IdFilter("parent_id")

    class Meta:
        model = Organization
        fields = ["kind", "municipality", "parent"]


class TargetFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    period = PeriodCodeFilter(help_text="Period code: 2025, 2025-H1, 2025-Q3, 2025-2026")
    year = YearFilter("period__year")
    organization = IdFilter("organization_id")
    municipality = IdFilter("organization__municipality_id")

    class Meta:
        model = Target
        fields = ["indicator", "period", "year", "organization", "municipality"]


class WithinPeriodFilter(django_filters.CharFilter):
    """Values of the period and of the shorter periods inside it (its quarters…), as the report files."""

    def filter(self, qs, value):
        if not value:
            return qs
        from indicators.models import Period

        q = period_q(value, prefix="")
        period = Period.objects.filter(q).first() if q is not None else None
        return qs.within(period) if period is not None else qs.none()


class ValueFilter(TargetFilter):
    period = WithinPeriodFilter(
        help_text="Period code (2025, 2025-H1, 2025-Q3, 2025-2026): its values and those of the periods inside it"
    )
    period_kind = django_filters.ChoiceFilter(field_name="period__kind", choices=PeriodKind.choices)
    status = django_filters.ChoiceFilter(choices=ValueStatus.choices)

    class Meta:
        model = Value
        fields = ["indicator", "period", "period_kind", "year", "organization", "municipality", "status"]
