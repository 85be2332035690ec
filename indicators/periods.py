"""Choosing a period: one order and one default for every chooser.

The choosers (dashboard, indicator page, reports, import, the coordinators'
entry grid) list the periods that have begun, grouped by the calendar year
they start in, newest year first; inside a year: the year itself, the academic
year starting in it, then its half-years and quarters, latest first. The
control panel's period filters list years newest first.

A page opens on the latest calendar year that has approved values (its
quarters' values count: the roll-up keeps a summary row for every period
containing an approved value), else the latest period with approved values,
else the latest period that has begun."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Period, PeriodKind, Summary

# Order inside a year's group: the year, the academic year, half-years, quarters.
KIND_ORDER = {PeriodKind.YEAR: 0, PeriodKind.ACADEMIC: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 3}


def choosable(kinds=None):
    """Periods that have begun (a future quarter has nothing to show or enter)."""
    qs = Period.objects.filter(starts_on__lte=timezone.localdate())
    return qs.filter(kind__in=kinds) if kinds else qs


def ordered(periods) -> list[Period]:
    """Newest year first; inside a year the year, academic year, halves, quarters (latest first)."""
    return sorted(periods, key=lambda p: (-p.year, KIND_ORDER.get(p.kind, 9), -p.number))


def default_period(kinds=None) -> Period | None:
    """The latest calendar year with approved values, else the latest period
    with approved values, else the latest period that has begun."""
    with_values = choosable(kinds).filter(
        pk__in=Summary.objects.filter(level="r", fact_count__gt=0).values("period_id")
    )
    return (
        with_values.filter(kind=PeriodKind.YEAR).order_by("-year").first()
        or with_values.order_by("-ends_on", "starts_on").first()
        or choosable(kinds).order_by("-starts_on", "ends_on").first()
    )


class GroupedPeriodIterator(forms.models.ModelChoiceIterator):
    """The choices as ``<optgroup>`` per calendar year (see the module's order)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[int, list] = {}
        for period in ordered(self.queryset):
            groups.setdefault(period.year, []).append(self.choice(period))
        for year, choices in groups.items():
            yield (str(year), choices)

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class PeriodChoiceField(forms.ModelChoiceField):
    iterator = GroupedPeriodIterator

    def label_from_instance(self, obj: Period) -> str:
        return str(obj.label)


class PeriodYearFilter(admin.SimpleListFilter):
    """The control panel's filter by the period's year, newest year first."""

    title = _("year")
    parameter_name = "period__year"  # the lookup it filters on, as Django's own filter named it

    def lookups(self, request, model_admin):
        years = Period.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.parameter_name: int(value)})
        return queryset


class YearFilter(PeriodYearFilter):
    """The same on the list of periods itself."""

    parameter_name = "year"
