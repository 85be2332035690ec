"""{% error_summary form formset … %}: the box at the top of a form that did not
pass, listing every error with a link to its field (issue 11, item 7).

The box takes the focus when the page opens (``autofocus`` on a ``tabindex=-1``
element: no script), so a screen reader reads it first and a keyboard user is
one Tab from the first link. Formsets list each row's errors under the row's
name («Показатель проекта 2: Название — …»)."""

from __future__ import annotations

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.text import capfirst

register = template.Library()


def _anchor(bound: forms.BoundField) -> str:
    """The element a link should land on: the input, or a choice list's first option."""
    if bound.is_hidden:
        return ""
    return bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")


def _form_entries(form: forms.BaseForm, prefix: str = "") -> list[dict]:
    entries = [{"text": f"{prefix}{error}", "anchor": ""} for error in form.non_field_errors()]
    for name in form.errors:
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        if bound.is_hidden:  # no field to show or link to: the message says it all
            entries += [{"text": f"{prefix}{error}", "anchor": ""} for error in bound.errors]
            continue
        for error in bound.errors:
            label = f"{prefix}{capfirst(bound.label)}" if bound.label else prefix.rstrip(": ")
            entries.append({"text": f"{label}: {error}" if label else str(error), "anchor": _anchor(bound)})
    return entries


def entries_of(*items) -> list[dict]:
    entries: list[dict] = []
    for item in items:
        if not item:
            continue
        if isinstance(item, BaseFormSet):
            if not item.is_bound:
                continue
            entries += [{"text": str(error), "anchor": ""} for error in item.non_form_errors()]
            name = capfirst(item.form._meta.model._meta.verbose_name) if hasattr(item.form, "_meta") else ""
            for number, subform in enumerate(item.forms, start=1):
                entries += _form_entries(subform, prefix=f"{name} {number}: " if name else f"{number}: ")
        elif isinstance(item, forms.BaseForm) and item.is_bound:
            entries += _form_entries(item)
            if item.errors:  # the summary takes the focus: no field claims it too (one autofocus a page)
                for field in item.fields.values():
                    field.widget.attrs.pop("autofocus", None)
    return entries


@register.inclusion_tag("leanedu/_error_summary.html")
def error_summary(*items, extra=None, extra_anchor=""):
    """``extra``: one more line that is not an error of a field (e.g. files to
    choose again), linked to ``extra_anchor``; the heading counts the errors."""
    entries = entries_of(*items)
    errors = len(entries)
    if extra and entries:
        entries.append({"text": str(extra), "anchor": extra_anchor})
    return {"entries": entries, "errors": errors}
