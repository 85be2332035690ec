"""The admin's titles, buttons, counts and messages in the grammar of the
model's name (leanedu/wording.py).

The project's admin site mixes `WordingAdminMixin` into every ModelAdmin it
registers, its own and other packages' alike. Django builds these phrases
inside its views; the mixin replaces only Django's own ones (a title or a
message an admin class chose itself is left alone): the titles in the
TemplateResponse context before it renders, the success messages by holding
Django's and saying them again with the model's forms."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from functools import partial

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, pgettext

from leanedu.formats import ru_date
from leanedu.wording import noun_for, phrase

# Strings of other packages that their Russian catalogues lack; named here so
# that the project's catalogue translates them.
LIBRARY_STRINGS = [gettext_noop("Select all")]


def _inline_formset_data(inline_admin_formset, original):
    """The inline's «Добавить …» button with the accusative of its own noun."""
    data = json.loads(original())
    inline = inline_admin_formset.opts
    noun = getattr(inline, "wording", None) or noun_for(inline.model)
    if noun is not None:
        data["options"]["addText"] = capfirst(pgettext("admin", "Add %(name)s") % {"name": noun.accusative})
    return json.dumps(data)


def _delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, with the count said in the noun's plural form."""
    count = queryset.count()
    with modeladmin._holding_messages(request) as held:
        response = delete_selected(modeladmin, request, queryset)
    if held:
        modeladmin.message_user(request, phrase(modeladmin.model, "deleted_count", count=count), messages.SUCCESS)
    return response


class WordingAdminMixin:
    # --- messages
    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        held = getattr(request, "_wording_held", None)
        if held is not None and level == messages.SUCCESS:
            held.append(str(message))
            return
        super().message_user(request, message, level, *args, **kwargs)

    @contextmanager
    def _holding_messages(self, request):
        request._wording_held = held = []
        try:
            yield held
        finally:
            request._wording_held = None

    def _saved(self, request, obj, key):
        text = phrase(self.model, key, obj=obj)
        if "_continue" in request.POST:
            text += " " + phrase(self.model, "edit_again")
        elif "_addanother" in request.POST:
            text += " " + phrase(self.model, "add_another")
        self.message_user(request, text, messages.SUCCESS)

    def response_add(self, request, obj, post_url_continue=None):
        with self._holding_messages(request) as held:
            response = super().response_add(request, obj, post_url_continue)
        if held:
            self._saved(request, obj, "added")
        return response

    def response_change(self, request, obj):
        with self._holding_messages(request) as held:
            response = super().response_change(request, obj)
        if held:
            self._saved(request, obj, "added" if "_saveasnew" in request.POST else "changed")
        return response

    def response_delete(self, request, obj_display, obj_id):
        with self._holding_messages(request) as held:
            response = super().response_delete(request, obj_display, obj_id)
        if held:
            self.message_user(request, phrase(self.model, "deleted", obj=obj_display), messages.SUCCESS)
        return response

    # --- actions
    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions and actions["delete_selected"][0] is delete_selected:
            actions["delete_selected"] = (
                _delete_selected,
                "delete_selected",
                phrase(self.model, "delete_selected"),
            )
        return actions

    # --- export and import
    def get_resource_classes(self, request):
        """Other packages' and plain admins' default resources speak Russian too (leanedu/resources.py)."""
        from import_export.resources import modelresource_factory

        from leanedu.resources import HumanResource

        classes = super().get_resource_classes(request)
        return [
            cls if issubclass(cls, HumanResource) else modelresource_factory(self.model, resource_class=HumanResource)
            for cls in classes
        ]

    def get_export_form_class(self):
        """The export form names the columns as the file does (Russian), not by field name."""
        form_class = super().get_export_form_class()
        from import_export.forms import SelectableFieldsExportForm

        if not issubclass(form_class, SelectableFieldsExportForm):
            return form_class

        class RussianFieldsExportForm(form_class):
            def _get_field_label(self, resource, field_name):
                field = resource().fields.get(field_name)
                return str(field.column_name) if field else field_name

        return RussianFieldsExportForm

    def get_export_filename(self, request, queryset, file_format):
        """«Документы 27.11.2026.xlsx», not «Document-2026-11-27.xlsx»."""
        return (
            f"{capfirst(self.opts.verbose_name_plural)} {ru_date(timezone.localdate())}.{file_format.get_extension()}"
        )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        # A Cyrillic file name needs RFC 6266's filename* to reach the browser intact.
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response

    # --- history (django-simple-history)
    def history_view_title(self, request, obj):
        return gettext("History of changes: %(object)s") % {"object": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        from leanedu.history import HumanHistoryHelper

        return HumanHistoryHelper(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        # A revert would write behind the services' back (STYLE: routed or off): off.
        return True

    # --- titles
    def changelist_view(self, request, extra_context=None):
        saving_list = request.method == "POST" and "_save" in request.POST
        with self._holding_messages(request) as held:
            response = super().changelist_view(request, extra_context)
        for text in held:
            # Django's «%(count)s %(name)s was changed successfully.» after list_editable
            number = re.match(r"\d+", text) if saving_list else None
            if number:
                text = phrase(self.model, "changed_count", count=int(number.group()))
            self.message_user(request, text, messages.SUCCESS)
        if isinstance(response, TemplateResponse) and response.context_data:
            context = response.context_data
            cl = context.get("cl")
            if cl is not None and context.get("title") == cl.title:
                if cl.is_popup:
                    key = "select"
                elif self.has_change_permission(request):
                    key = "select_change"
                else:
                    key = "select_view"
                context["title"] = phrase(self.model, key)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = self.opts.verbose_name
        defaults = {
            gettext("Add %s") % name: "add",
            gettext("Change %s") % name: "change",
            gettext("View %s") % name: "view",
        }
        key = defaults.get(str(context.get("title")))
        if key:
            context["title"] = phrase(self.model, key)
        for inline_admin_formset in context.get("inline_admin_formsets", []):
            inline_admin_formset.inline_formset_data = partial(
                _inline_formset_data, inline_admin_formset, inline_admin_formset.inline_formset_data
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data:
            context = response.context_data
            if context.get("title") == gettext("Cannot delete %(name)s") % {"name": context.get("object_name")}:
                context["title"] = phrase(self.model, "cannot_delete")
        return response
