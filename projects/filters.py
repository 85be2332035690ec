"""The showcase's filters (django-filter), and the project search the API
shares with it."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leanedu.models import Organization, OrganizationKind
from projects.models import LeanTool, Project, ProjectStage

# Kinds of the organisations that run projects (not the authorities).
EDUCATION_KINDS = [(k, label) for k, label in OrganizationKind.choices if k not in ("region", "municipal")]


def search_q(text: str) -> Q:
    """Russian full-text search over the passport (GIN index), or the
    organisation's name: «СОШ № 13» finds that school's projects."""
    condition = Q(search_vector=SearchQuery(text, config="russian", search_type="websearch"))
    org_ids = list(
        Organization.objects.education().filter(short_name__icontains=text).values_list("pk", flat=True)[:200]
    )
    if org_ids:
        condition |= Q(organization_id__in=org_ids)
    return condition


class CheckboxFilter(django_filters.Filter):
    """A tick box: ticked narrows the list, unticked leaves it whole."""

    field_class = forms.BooleanField


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class ShowcaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    tool = django_filters.ModelChoiceFilter(
        label=_("Lean tool"),
        field_name="tools",
        queryset=LeanTool.objects.all(),
        empty_label=_("Any"),
        distinct=False,  # one tool: one row per project already
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=ProjectStage.choices, empty_label=_("Any"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"), field_name="organization__kind", choices=EDUCATION_KINDS, empty_label=_("Any")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        field_name="organization__municipality",
        queryset=Organization.objects.municipalities(),
        empty_label=_("Any"),
    )
    replicable = CheckboxFilter(label=_("Standard solutions only"), method="filter_replicable")
    repeated = CheckboxFilter(label=_("Repeated in other organisations"), method="filter_repeated")
    # Set by the links on pilot-site cards: one organisation's projects.
    organization = IntegerFilter(field_name="organization_id", widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Project
        fields = ["q", "tool", "stage", "kind", "municipality", "replicable", "repeated", "organization"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(search_q(value)) if value else queryset

    def filter_replicable(self, queryset, name, value):
        return queryset.filter(is_replicable=True) if value else queryset

    def filter_repeated(self, queryset, name, value):
        return queryset.repeated_elsewhere() if value else queryset
