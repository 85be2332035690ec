"""The office's back office for pilot sites and projects: the review queue,
approve / return with a comment, passport export, history."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from leanedu.admin_filters import MunicipalityFilter, OrganizationFilter
from leanedu.admin_rules import RuledAdminMixin, each_through_service
from leanedu.spreadsheets import SafeXLSX
from projects import services
from projects.forms import ReviewCommentForm
from projects.models import (
    PUBLIC_STATUSES,
    LeanTool,
    PilotSite,
    Project,
    ProjectAttachment,
    ProjectMetric,
    ProjectTransition,
    SubmittedProject,
    TeamMember,
)
from projects.resources import ProjectPassportResource


@admin.register(LeanTool)
class LeanToolAdmin(RuledAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(PilotSite)
class PilotSiteAdmin(RuledAdminMixin, SimpleHistoryAdmin):
    list_display = ["organization", "level", "document", "starts_on", "ends_on", "state"]
    list_filter = ["level", ("organization__municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization", "document"]
    search_fields = ["organization__short_name", "document__number", "focus_areas"]
    autocomplete_fields = ["organization", "curator", "document"]

    @admin.display(description=_("state"))
    def state(self, site: PilotSite) -> str:
        return site.closed_reason() or gettext("Active")


class MetricInline(RuledAdminMixin, admin.TabularInline):
    model = ProjectMetric
    extra = 0
    fields = [*ProjectMetric.ENTERED_FIELDS, "change"]
    readonly_fields = ["change"]

    @admin.display(description=_("change, %"))
    def change(self, metric: ProjectMetric):
        return "—" if metric.change_percent is None else metric.change_percent


class TeamInline(RuledAdminMixin, admin.TabularInline):
    model = TeamMember
    extra = 0


class AttachmentInline(RuledAdminMixin, admin.TabularInline):
    """Files arrive through the checked upload in the cabinet; here they are
    listed and can be removed, not added unchecked."""

    model = ProjectAttachment
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "caption", "uploaded_at", "link"]
    readonly_fields = ["kind", "original_name", "content_type", "size", "uploaded_at", "link"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def link(self, attachment: ProjectAttachment):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), gettext("open"))


class TransitionInline(RuledAdminMixin, admin.TabularInline):
    model = ProjectTransition
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# (action name, service, label for the selected projects, comment required, comment label,
#  label for one project on its own page)
REVIEW_ACTIONS = {
    "approve": (
        services.project_approve,
        _("Approve the selected projects"),
        False,
        _("Comment (optional)"),
        _("Approve the project"),
    ),
    "return": (
        services.project_return,
        _("Return the selected projects for revision"),
        True,
        _("What should be fixed (required)"),
        _("Return the project for revision"),
    ),
    "start": (
        services.project_start,
        _("Mark the selected projects as started"),
        False,
        _("Comment (optional)"),
        _("Mark the project as started"),
    ),
    "complete": (
        services.project_complete,
        _("Mark the selected projects as completed"),
        False,
        _("Comment (optional)"),
        _("Mark the project as completed"),
    ),
    "cancel": (
        services.project_cancel,
        _("Cancel the selected projects"),
        True,
        _("Reason for cancelling (required)"),
        _("Cancel the project"),
    ),
}


def _make_action(name: str):
    service, label, required, comment_label, _single = REVIEW_ACTIONS[name]

    def action(modeladmin, request: HttpRequest, queryset):
        form = ReviewCommentForm(request.POST if "apply" in request.POST else None)
        form.fields["comment"].label = comment_label
        form.fields["comment"].required = required
        if "apply" in request.POST and form.is_valid():
            comment = form.cleaned_data["comment"]
            # The cancellation's comment is its reason.
            text = {"reason" if name == "cancel" else "comment": comment}
            done = each_through_service(
                modeladmin,
                request,
                queryset,
                lambda project: service(actor=request.user, project=project, **text),
                name_of=lambda project: f"«{project.title}»",
                refusals=(ValidationError, PermissionDenied),
            )
            if done:
                modeladmin.message_user(
                    request,
                    gettext("Done: %(counted)s.") % {"counted": Project.wording.counted(done)},
                    messages.SUCCESS,
                )
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": label,
            "opts": modeladmin.model._meta,
            "projects": list(queryset.select_related("organization")),
            "form": form,
            "action": f"transition_{name}",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/projects/review_action.html", context)

    action.__name__ = f"transition_{name}"
    return admin.action(description=label, permissions=["change"])(action)


def office_steps(project: Project) -> list[str]:
    """The office decisions a project's status allows: the services' table, not a copy."""
    return [name for name in REVIEW_ACTIONS if project.status in services.TRANSITION_SOURCES[name]]


@admin.register(Project)
class ProjectAdmin(RuledAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [ProjectPassportResource]
    list_display = ["title", "organization", "municipality", "status", "stage", "is_replicable", "updated_at"]
    list_filter = [
        "status",
        "stage",
        MunicipalityFilter,
        OrganizationFilter,
        "tools",
        "is_replicable",
    ]
    list_select_related = ["organization", "organization__municipality"]
    search_fields = ["title", "problem", "organization__short_name", "leader"]
    autocomplete_fields = ["organization"]
    # A dozen tools: plain checkboxes, all visible at once (Django's two-box
    # widget also carries a doubled «и и» in its Russian help).
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = [
        "status",
        "review_comment",
        "submitted_at",
        "created_by",
        "created_at",
        "updated_at",
        "from_proposal",
        "source",
    ]
    inlines = [MetricInline, TeamInline, AttachmentInline, TransitionInline]
    actions = [_make_action(name) for name in REVIEW_ACTIONS]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["organization", "title", "status", "stage", "is_replicable", "review_comment"]}),
        (
            _("Process"),
            {"fields": ["process", "process_first_step", "process_last_step", "customer_group"]},
        ),
        (_("Passport"), {"fields": ["problem", "goal", "leader", "sponsor", "tools", "risks", "results"]}),
        (_("Dates"), {"fields": ["planned_start", "planned_end", "actual_start", "actual_end", "submitted_at"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at", "from_proposal", "source"]}),
    ]

    change_form_template = "admin/projects/project/change_form.html"

    @admin.display(description=_("made from the proposal"))
    def from_proposal(self, obj):
        """The proposal(s) the project was made from: number (a link) and text."""
        from django.urls import reverse
        from django.utils.html import format_html_join

        if obj is None or obj.pk is None:
            return "—"
        rows = obj.proposals.only("pk", "number", "text", "project_id").order_by("pk")
        html = format_html_join(
            "",
            '<p><a href="{}">{}</a><br><span class="text-prewrap">{}</span></p>',
            ((reverse("admin:proposals_proposal_change", args=[p.pk]), p.number, p.text) for p in rows),
        )
        return html or "—"

    @property
    def export_formats(self):
        return [SafeXLSX]

    def get_urls(self):
        from django.urls import path

        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/decide/<str:step>/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{info[0]}_{info[1]}_decide",
            ),
        ] + super().get_urls()

    def decide_view(self, request, object_id, step):
        """One project's decision (approve, return, …) from its own page: the
        same comment form and the same service as the list action."""
        from django.http import Http404, HttpResponseRedirect
        from django.urls import reverse

        project = self.get_object(request, object_id)
        if project is None or step not in REVIEW_ACTIONS or not self.has_change_permission(request, project):
            raise Http404
        service, _selected, required, comment_label, label = REVIEW_ACTIONS[step]
        form = ReviewCommentForm(request.POST or None)
        form.fields["comment"].label = comment_label
        form.fields["comment"].required = required
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[project.pk])
        if request.method == "POST" and form.is_valid():
            comment = form.cleaned_data["comment"]
            try:
                if step == "cancel":
                    service(actor=request.user, project=project, reason=comment)
                else:
                    service(actor=request.user, project=project, comment=comment)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
            else:
                self.message_user(request, gettext("%(action)s: done.") % {"action": label}, messages.SUCCESS)
                if self.model is SubmittedProject:  # decided: no longer in the queue
                    change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "opts": self.opts,
            "projects": [project],
            "form": form,
            "single": True,
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/projects/review_action.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, object_id)
        steps = office_steps(project) if project is not None and self.has_change_permission(request, project) else ()
        extra_context = {
            **(extra_context or {}),
            "decisions": [(step, REVIEW_ACTIONS[step][4]) for step in steps],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("municipality"), ordering="organization__municipality__short_name")
    def municipality(self, project: Project):
        return project.organization.municipality

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("organization", "organization__municipality")
            .prefetch_related("metrics", "team", Prefetch("tools", queryset=LeanTool.objects.only("pk", "name")))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("organization")
        return fields

    def save_model(self, request, obj, form, change):
        """Through the services, so the same rules hold as in the cabinet."""
        editable = set(services.PASSPORT_FIELDS) | {"is_replicable"}
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
            services.project_update(actor=request.user, project=obj, **changed)
            obj.refresh_from_db()
        else:
            data = {name: form.cleaned_data[name] for name in editable if name in form.cleaned_data}
            data.pop("title", None)
            created = services.project_create_draft(
                actor=request.user, organization=form.cleaned_data["organization"], title=obj.title, **data
            )
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        """Metrics and team through the same service as the cabinet; a removed
        attachment through its service, which deletes the stored file too."""
        project = form.instance
        # The admin's change message reads these; the services do the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is ProjectMetric:
            services.project_save_parts(actor=request.user, project=project, metrics=formset)
        elif formset.model is TeamMember:
            services.project_save_parts(actor=request.user, project=project, team=formset)
        elif formset.model is ProjectAttachment:
            with transaction.atomic():
                for attachment in formset.save(commit=False):
                    services.attachment_update(actor=request.user, attachment=attachment, caption=attachment.caption)
                for attachment in formset.deleted_objects:
                    services.attachment_delete(actor=request.user, attachment=attachment)
        else:
            super().save_formset(request, form, formset, change)

    def needs_delete_reason(self, obj) -> bool:
        return obj.status in PUBLIC_STATUSES

    def delete_service(self, request, obj, *, reason=""):
        services.project_delete(actor=request.user, project=obj, reason=reason)


@admin.register(SubmittedProject)
class ReviewQueueAdmin(ProjectAdmin):
    """Projects waiting for the office's decision, the oldest first."""

    list_display = ["title", "organization", "municipality", "stage", "submitted_at"]
    list_filter = [MunicipalityFilter, OrganizationFilter, "stage", "tools"]
    actions = [_make_action(name) for name in ("approve", "return", "cancel")]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status="submitted").order_by("submitted_at", "pk")

    def has_add_permission(self, request):
        return False

    # The queue is a proxy: its history is the project's (simple-history keeps
    # none for proxies, and its pages failed with a 500 here).
    def history_view(self, request, object_id, extra_context=None):
        self._object_for_history(request, object_id)
        return HttpResponseRedirect(reverse("admin:projects_project_history", args=[object_id]))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._object_for_history(request, object_id)
        return HttpResponseRedirect(reverse("admin:projects_project_simple_history", args=[object_id, version_id]))


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(RuledAdminMixin, admin.ModelAdmin):
    list_display = ["project", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    list_select_related = ["project", "actor"]
    search_fields = ["project__title", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
