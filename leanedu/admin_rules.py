"""The admin asks the rulebook (``leanedu.rules``) like every page and service.

``RuledAdminMixin`` goes first in a ModelAdmin's bases. It makes

- the changelist, change, delete, history, history-detail and export pages
  show only rows the model's rule lets the user view, and each
  ``has_*_permission(request, obj)`` answer "the Django permission of the
  role's group AND the rule for that row";
- every write go through a service: ``save_model``, ``delete_model``,
  ``delete_queryset`` and inline formsets call ``save_service`` and
  ``delete_service`` (a ModelAdmin with real services overrides those or the
  hooks themselves), so there is no write that only the admin can make;
- history read-only: django-simple-history's detail page saves the old
  version on POST after checking only the view permission, which let a
  view-only user rename an organisation or unlock an approved value. Reverting
  is switched off (POST refused, no button); a change goes through the change
  page and its service;
- deleting a row that ``needs_delete_reason`` ask for a reason, kept in the
  deletion's history row;
- imports need a permission of their own (``import_<model>``, setting
  IMPORT_EXPORT_IMPORT_PERMISSION_CODE) and run all-or-nothing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from leanedu import rules
from leanedu.services import record_delete, record_save


class DeleteReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deleting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why this is deleted.")},
    )


class RuledAdminMixin:
    delete_confirmation_template = "admin/leanedu/delete_confirmation.html"

    # --- reads --------------------------------------------------------------------
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user, rules.VIEW)

    def _rule_allows(self, request, action: str, obj) -> bool:
        """The model's rule for one row, asked once per request and row. An
        inline is handed its parent row: the parent's admin has asked the
        parent's rule, the inline asks whether its own rows may be acted on."""
        if obj is None or not isinstance(obj, self.model):
            return self.model._default_manager.all().may(request.user, action)
        if obj.pk is None:
            return False
        cache = request.__dict__.setdefault("_leanedu_rules", {})
        key = (obj._meta.label, obj.pk, action)
        if key not in cache:
            cache[key] = rules.can(request.user, action, obj)
        return cache[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._rule_allows(request, rules.VIEW, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._rule_allows(request, rules.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._rule_allows(request, rules.DELETE, obj)

    def has_add_permission(self, request, *args):
        # ModelAdmin passes (request), inlines (request, obj).
        return super().has_add_permission(request, *args) and self.model._default_manager.all().may(
            request.user, rules.ADD
        )

    # --- history: readable by whoever may view the row, never a way to write ------
    def revert_disabled(self, request, obj=None):
        return True

    def _object_for_history(self, request, object_id):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError, TypeError):
            raise Http404 from None
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # A deleted row: its rule cannot be asked any more; only office
            # staff, who see every row of every model, read what is left.
            if rules.is_office(request.user) and super().has_view_permission(request):
                cache = request.__dict__.setdefault("_leanedu_rules", {})
                cache[(self.model._meta.label, self.model._meta.pk.to_python(unquote(object_id)), rules.VIEW)] = True
                return None
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._object_for_history(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._object_for_history(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- writes through services ----------------------------------------------------
    def save_service(self, request, obj, *, adding: bool) -> models.Model:
        """Save one row (of this model or of an inline) through a service."""
        return record_save(actor=request.user, obj=obj, adding=adding)

    def delete_service(self, request, obj, *, reason: str = "") -> None:
        record_delete(actor=request.user, obj=obj, reason=reason)

    def needs_delete_reason(self, obj) -> bool:
        """Whether deleting ``obj`` asks for a reason (approved rows)."""
        return False

    def save_model(self, request, obj, form, change):
        self.save_service(request, obj, adding=not change)

    def save_formset(self, request, form, formset, change):
        """Each inline row through the service: new, changed and deleted ones."""
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                self.delete_service(request, obj)
            for obj in instances:
                self.save_service(request, obj, adding=obj._state.adding)
            formset.save_m2m()

    def delete_model(self, request, obj):
        self.delete_service(request, obj, reason=getattr(request, "_leanedu_delete_reason", ""))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                if self.needs_delete_reason(obj):
                    # Bulk deletion has no reason field: one by one, with a reason.
                    raise PermissionDenied
                self.delete_service(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.needs_delete_reason(obj):
            posted = request.method == "POST"
            form = DeleteReasonForm(request.POST if posted else None)
            extra_context["reason_form"] = form
            if posted and form.is_valid():
                request._leanedu_delete_reason = form.cleaned_data["reason"]
            elif posted:
                # Django deletes on any POST: show the confirmation again, with the error.
                request.POST = QueryDict()
                request.method = "GET"
        return super().delete_view(request, object_id, extra_context)

    # --- import and export ------------------------------------------------------------
    def has_import_permission(self, request):
        # Never import past the rule: the permission alone is not enough.
        return super().has_import_permission(request) and self.model._default_manager.all().may(request.user, rules.ADD)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row refused by a service's validation undoes the file.
        data = super().get_import_data_kwargs(**kwargs)
        data["rollback_on_validation_errors"] = True
        return data


def each_through_service(
    modeladmin,
    request,
    objects,
    do,
    *,
    name_of,
    refusals: tuple[type[Exception], ...] = (ValidationError,),
    level: int = messages.ERROR,
) -> int:
    """A bulk action's loop: ``do(obj)`` (a service) for every object; a
    refusal is reported beside the object's ``name_of(obj)`` and the others go
    on. Returns how many were done, for the action's own success message."""
    done = 0
    for obj in objects:
        try:
            do(obj)
        except refusals as exc:
            reason = " ".join(getattr(exc, "messages", [str(exc)]))
            modeladmin.message_user(request, f"{name_of(obj)}: {reason}", level)
        else:
            done += 1
    return done
