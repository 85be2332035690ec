"""Forms of the indicators pages: filters, the entry grid, reports, import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Period, PeriodKind
from indicators.periods import PeriodChoiceField, choosable
from leanedu import uploads
from leanedu.models import Organization


def _periods(kinds=None):
    """Grouped by year, newest first (indicators.periods): the field orders them itself."""
    return choosable(kinds)


class FilterForm(forms.Form):
    """Dashboard and report filters: a period and, optionally, a municipality."""

    period = PeriodChoiceField(label=_("Period"), queryset=Period.objects.none(), required=False, empty_label=None)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = _periods()
        munis = Organization.objects.municipalities().order_by("short_name")
        if user is not None:
            munis = munis.visible_to(user)
        self.fields["municipality"].queryset = munis


class ReportForm(FilterForm):
    separator = forms.ChoiceField(
        label=_("CSV separator"),
        choices=[(";", _("semicolon (;) — for Russian Excel")), (",", _("comma (,)"))],
        required=False,
    )


ACCEPT = uploads.Accept(kinds=(uploads.XLSX,), refusal=_("The file is not an XLSX workbook."))


class ImportForm(forms.Form):
    period = PeriodChoiceField(label=_("Period"), queryset=Period.objects.none(), empty_label=None)
    file = forms.FileField(label=_("XLSX file"), help_text=_("Fill in the template downloaded below."))
    approve = forms.BooleanField(label=_("Approve the imported values at once"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_import_%s")  # on the reports page beside the period filter's id_period
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = _periods()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check(upload, ACCEPT)  # by content, not by name; the size limit too
        return upload


class EntryPeriodForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    period = PeriodChoiceField(label=_("Period"), queryset=Period.objects.none(), empty_label=None)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["period"].queryset = _periods([PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR])


class EntryGridForm(forms.Form):
    """One value and one comment field per indicator of the grid."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for indicator, current in rows:
            editable = current is None or current.is_editable
            value_name, comment_name = f"value_{indicator.pk}", f"comment_{indicator.pk}"
            self.fields[value_name] = forms.DecimalField(
                label=indicator.name,
                required=False,
                min_value=0,
                max_value=100 if indicator.is_percent else None,
                max_digits=14,
                decimal_places=2,
                disabled=not editable,
                initial=current.value if current else None,
                localize=True,
            )
            self.fields[comment_name] = forms.CharField(
                label=_("Comment on %(code)s") % {"code": indicator.code},
                required=False,
                max_length=1000,
                disabled=not editable,
                initial=current.comment if current else "",
            )
            self.rows.append((indicator, current, self[value_name], self[comment_name], editable))

    def entry_rows(self):
        from indicators.services import EntryRow

        for indicator, _current, _value, _comment, editable in self.rows:
            if editable:
                yield EntryRow(
                    indicator=indicator,
                    value=self.cleaned_data.get(f"value_{indicator.pk}"),
                    comment=self.cleaned_data.get(f"comment_{indicator.pk}") or "",
                )
