"""The filters and sorting of the public list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentKind, DocumentStatus, Tag
from leanedu.models import Organization

SORTS = {
    "relevance": (_("by relevance"), None),
    "-date": (_("newest first"), ("-date_signed", "-pk")),
    "date": (_("oldest first"), ("date_signed", "pk")),
    "title": (_("by title"), ("title", "pk")),
    "number": (_("by number"), ("number", "pk")),
}


def _authorities(request):
    """Authorities that issued a document the reader may see."""
    visible = Document.objects.visible_to(getattr(request, "user", None))
    return Organization.objects.filter(pk__in=visible.values("authority_id")).order_by("short_name")


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search in titles, summaries and file texts"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words, number or date (15.03.2022)")}),
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"), queryset=DocumentKind.objects.all(), to_field_name="slug", empty_label=_("All kinds")
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Issuing authority"), queryset=_authorities, empty_label=_("All authorities")
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), field_name="date_signed", lookup_expr="year", empty_label=_("All years")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DocumentStatus.choices, empty_label=_("Any status"))
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.all(), field_name="tags", to_field_name="slug", empty_label=_("All tags")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _fields) in SORTS.items()],
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Document
        fields = ["q", "kind", "authority", "year", "status", "tag", "sort"]

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(y, y) for y in years]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value else queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied by the view, after the search ranking

    @property
    def search_text(self) -> str:
        if not self.is_bound or not self.form.is_valid():
            return ""
        return (self.form.cleaned_data.get("q") or "").strip()

    def ordering(self) -> tuple[str, ...] | None:
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else ""
        if not sort or sort == "relevance":
            return None if self.search_text else SORTS["-date"][1]
        return SORTS[sort][1]
