"""Back office for indicators, periods, targets and values: review actions
(approve, return, reopen — in bulk), import/export and history. Querysets are
scoped like the pages; every status change goes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin, ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from indicators import services
from indicators.models import Indicator, Period, SentReminder, Target, Value
from indicators.periods import PeriodYearFilter, YearFilter
from indicators.resources import IndicatorResource, TargetResource, ValueResource
from leanedu.admin_filters import MunicipalityFilter, OrganizationFilter
from leanedu.admin_rules import RuledAdminMixin
from leanedu.formats import ru_date
from leanedu.pagination import EstimatedCountPaginator
from leanedu.wording import full_name


@admin.register(Indicator)
class IndicatorAdmin(RuledAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [IndicatorResource]
    list_display = list(Indicator.DEFINITION_FIELDS)
    list_filter = ["method", "level", "unit", "direction"]
    list_select_related = ["legal_basis"]
    search_fields = ["code", "name"]
    raw_id_fields = ["legal_basis"]
    ordering = ["sort_order", "code"]


@admin.register(Period)
class PeriodAdmin(RuledAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "year", "number", "starts_on", "ends_on", "deadline"]
    list_filter = ["kind", YearFilter]
    search_fields = ["year"]
    ordering = ["-starts_on", "ends_on"]


@admin.register(SentReminder)
class SentReminderAdmin(RuledAdminMixin, admin.ModelAdmin):
    """What the daily reminders have sent: read only (the job writes it)."""

    list_display = ["period", "organization", "step", "sent_at"]
    list_filter = ["step", PeriodYearFilter]
    list_select_related = ["period", "organization"]
    search_fields = ["organization__short_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(RuledAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [TargetResource]
    list_display = ["indicator", "period", "organization", "value", "baseline_year", "baseline_value"]
    list_filter = ["period__kind", PeriodYearFilter, "indicator"]
    list_select_related = ["indicator", "period", "organization"]
    search_fields = ["indicator__code", "indicator__name", "organization__short_name"]
    autocomplete_fields = ["indicator", "period", "organization"]
    list_per_page = 50
    # Targets are public (the dashboard shows them): the rule lets everyone
    # read them, so the admin shows what the rule says, not a narrower copy.


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


@admin.register(Value)
class ValueAdmin(RuledAdminMixin, ExportMixin, SimpleHistoryAdmin):
    """Values are exported here; they are imported on /reports/ (preview, checks, all-or-nothing)."""

    resource_classes = [ValueResource]
    list_display = ["indicator_code", "period", "organization", "value", "status", "updated_on", "reviewer"]
    list_filter = [
        "status",
        MunicipalityFilter,
        OrganizationFilter,
        "indicator",  # a short list; RelatedOnly would scan 800,000 values for their indicators
        PeriodYearFilter,
        "period__kind",
    ]
    list_select_related = ["indicator", "period", "organization", "reviewed_by"]
    search_fields = ["indicator__code", "indicator__name", "organization__short_name"]
    autocomplete_fields = ["indicator", "period", "organization"]
    readonly_fields = [
        "status",
        "return_reason",
        "entered_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "updated_at",
    ]
    actions = ["approve_selected", "return_selected", "reopen_selected"]
    list_per_page = 50
    show_full_result_count = False  # counting 800,000 rows on every page is wasted work
    # Newest changes first, read along an index in that order (value_recent_idx)
    # instead of sorting every value by period, organisation and indicator.
    ordering = ["-updated_at", "-id"]
    paginator = EstimatedCountPaginator

    # An approved value is locked by the rule (leanedu.rules via ValueQuerySet):
    # its change and delete pages are refused until it is reopened with a reason.

    @admin.display(description=_("indicator"), ordering="indicator__code")
    def indicator_code(self, value):
        return format_html('<span title="{}">{}</span>', value.indicator.name, value.indicator.code)

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated_on(self, value):
        return ru_date(value.updated_at)

    @admin.display(description=_("reviewed by"), ordering="reviewed_by__last_name")
    def reviewer(self, value):
        return full_name(value.reviewed_by) if value.reviewed_by_id else "—"

    def save_model(self, request, obj, form, change):
        services.value_save(actor=request.user, value=obj, adding=not change)

    def delete_service(self, request, obj, *, reason=""):
        services.value_delete(actor=request.user, value=obj, reason=reason)

    @admin.action(description=_("Approve the selected submitted values"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done, skipped = services.values_approve(actor=request.user, values=queryset)
        self._report(request, done, skipped)

    @admin.action(description=_("Return the selected submitted values with a reason"), permissions=["change"])
    def return_selected(self, request, queryset):
        return self._with_reason(request, queryset, "return_selected", services.values_return, _("Return values"))

    @admin.action(description=_("Reopen the selected approved values with a reason"), permissions=["change"])
    def reopen_selected(self, request, queryset):
        return self._with_reason(request, queryset, "reopen_selected", services.values_reopen, _("Reopen values"))

    def _with_reason(self, request, queryset, action, service, title):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                done, skipped = service(actor=request.user, values=queryset, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
                return None
            self._report(request, done, skipped)
            return None
        return TemplateResponse(
            request,
            "admin/indicators/value/reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "action": action,
                "queryset": queryset[:100],
                "count": queryset.count(),
                "ids": queryset.values_list("pk", flat=True),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _report(self, request, done, skipped):
        self.message_user(
            request,
            ngettext("%(n)d value changed.", "%(n)d values changed.", done) % {"n": done},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d value skipped: its status does not allow this.",
                    "%(n)d values skipped: their status does not allow this.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )
