"""The office's back office for proposals: a triage queue, transitions with
their reasons on intermediate pages, statistics and export.

Every status change goes through a service; the admin never sets a status."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from leanedu.admin_rules import RuledAdminMixin, each_through_service
from leanedu.formats import ru_date
from leanedu.rules import is_office
from leanedu.spreadsheets import SafeCSV, SafeXLSX
from leanedu.wording import full_name
from proposals import services
from proposals.forms import AnswerForm, ConvertForm, RejectForm
from proposals.models import Proposal, ProposalAttachment
from proposals.resources import ProposalExportResource
from proposals.stats import proposal_stats


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due within 3 days")), ("open", _("All open"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "soon":
            return queryset.due_soon()
        if self.value() == "open":
            return queryset.open()
        return queryset


class AttachmentInline(RuledAdminMixin, admin.TabularInline):
    model = ProposalAttachment
    extra = 0
    can_delete = False
    fields = ["download", "content_type", "size"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("proposals:attachment", args=[obj.pk]), obj.original_name)


# name: the form a transition asks for (None: a button). Its label and source
# statuses are the services' own table (services.STEPS).
TRANSITIONS = {
    "register": None,
    "publish": None,
    "unpublish": None,
    "take_in_work": None,
    "answer": AnswerForm,
    "reject": RejectForm,
    "convert": ConvertForm,
}


# What the office may change on a proposal's page: its triage.
TRIAGE_FIELDS = ("category", "organization", "assignee", "internal_notes")


@admin.register(Proposal)
class ProposalAdmin(RuledAdminMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [ProposalExportResource]
    change_form_template = "admin/proposals/proposal/change_form.html"
    change_list_template = "admin/proposals/proposal/change_list.html"
    list_display = [
        "number_link",
        "received_on",
        "status",
        "deadline_mark",
        "category",
        "organization",
        "assignee_name",
        "short_text",
    ]
    list_filter = [
        "status",
        DeadlineFilter,
        "category",
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["organization", "assignee"]
    search_fields = ["number", "text"]
    date_hierarchy = "created_at"
    ordering = ["due_date", "number"]
    list_per_page = 50
    autocomplete_fields = ["organization"]
    actions = ["register_selected", "take_selected", "reject_selected"]
    inlines = [AttachmentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "created_at",
                    "registered_at",
                    "due_date",
                    "deadline_mark",
                    "category",
                    "organization",
                    "text",
                ]
            },
        ),
        (_("Author (personal data)"), {"fields": ["author_name", "email", "phone", "author_role", "publish_consent"]}),
        (_("Work of the office"), {"fields": ["assignee", "internal_notes"]}),
        (
            _("Result"),
            {
                "fields": [
                    "answer",
                    "answered_at",
                    "published",
                    "reject_reason",
                    "reject_comment",
                    "duplicate_of",
                    "project",
                    "closed_at",
                ]
            },
        ),
        (
            _("Consent and technical data"),
            {
                "classes": ["collapse"],
                "fields": ["consent_version", "consent_at", "consent_ip", "submitted_ip", "anonymized_at"],
            },
        ),
    ]
    # Only the triage is written here (proposal_update_triage); the rest of
    # the page is read-only.
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"] if name not in TRIAGE_FIELDS]

    def get_export_formats(self):
        return [SafeXLSX, SafeCSV]

    def has_module_permission(self, request):
        return is_office(request.user) and super().has_module_permission(request)

    def has_add_permission(self, request):
        return False  # proposals come from the public form only

    # Deleting goes through the service (delete_service of the rulebook's
    # admin mixin), so the files and the outbox go too.
    def delete_service(self, request, obj, *, reason=""):
        services.proposal_delete(actor=request.user, proposal=obj)

    @admin.display(description=_("proposal"))
    def short_text(self, obj):
        return obj.text[:60] + ("…" if len(obj.text) > 60 else "")

    @admin.display(description=_("number"), ordering="number")
    def number_link(self, obj):
        return obj.number

    @admin.display(description=_("received"), ordering="created_at")
    def received_on(self, obj):
        return ru_date(obj.created_at)

    @admin.display(description=_("assignee"), ordering="assignee__last_name")
    def assignee_name(self, obj):
        return full_name(obj.assignee) if obj.assignee_id else "—"

    @admin.display(description=_("deadline"))
    def deadline_mark(self, obj):
        if obj.is_overdue:
            return format_html('<strong class="rv-overdue">{}</strong>', _("Overdue"))
        if obj.is_due_soon:
            return format_html('<span class="rv-soon">{}</span>', _("Due within 3 days"))
        return "—" if not obj.is_open else ru_date(obj.due_date)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Assignees are office staff; a plain list, since the office may not browse user accounts.
        if db_field.name == "assignee":
            from django.contrib.auth import get_user_model

            from leanedu.roles import OFFICE_ROLES

            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, memberships__role__in=OFFICE_ROLES)
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.proposal_update_triage(
            actor=request.user,
            proposal=obj,
            **{name: form.cleaned_data[name] for name in TRIAGE_FIELDS if name in form.cleaned_data},
        )

    # --- transitions
    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="proposals_proposal_transition",
            ),
            path(
                "reject-selected/",
                self.admin_site.admin_view(self.reject_many_view),
                name="proposals_proposal_reject_many",
            ),
            path("statistics/", self.admin_site.admin_view(self.stats_view), name="proposals_proposal_stats"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["transitions"] = [
                (name, services.STEPS[name].label)
                for name in TRANSITIONS
                if obj.status in services.TRANSITION_SOURCES[name]
                and not (name == "publish" and (obj.published or not obj.publish_consent))
                and not (name == "unpublish" and not obj.published)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def _status_url(self, request, proposal) -> str:
        # The token is not stored, so staff mail cannot contain the link; the author has it.
        return ""

    def transition_view(self, request, pk: int, name: str):
        if name not in TRANSITIONS or not self.has_change_permission(request):
            raise PermissionDenied
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        label, form_class = services.STEPS[name].label, TRANSITIONS[name]
        change_url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
        form = None
        if form_class is not None:
            initial = {}
            if name == "convert":
                initial = {"organization": proposal.organization_id, "title": proposal.text[:120]}
            if name == "answer":
                initial = {"publish": proposal.publish_consent}
            form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and (form is None or form.is_valid()):
            data = form.cleaned_data if form else {}
            try:
                self._apply(request, name, proposal, data)
            except ValidationError as exc:
                if form is None:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return HttpResponseRedirect(change_url)
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Done: %(action)s — %(number)s") % {"action": label, "number": proposal})
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{label}: {proposal.number}",
            "proposal": proposal,
            "form": form,
            "action_label": label,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/proposals/proposal/transition.html", context)

    def _apply(self, request, name, proposal, data):
        actor = request.user
        if name == "register":
            services.proposal_register(actor=actor, proposal=proposal)
        elif name in ("publish", "unpublish"):
            services.proposal_set_published(actor=actor, proposal=proposal, published=name == "publish")
        elif name == "take_in_work":
            services.proposal_take_in_work(actor=actor, proposal=proposal)
        elif name == "answer":
            services.proposal_answer(actor=actor, proposal=proposal, answer=data["answer"], publish=data["publish"])
        elif name == "reject":
            services.proposal_reject(
                actor=actor,
                proposal=proposal,
                reason=data["reason"],
                comment=data["comment"],
                duplicate_of_number=data["duplicate_of_number"],
            )
        elif name == "convert":
            services.proposal_convert(
                actor=actor, proposal=proposal, organization=data["organization"], title=data["title"]
            )

    # --- bulk actions
    def _bulk(self, request, queryset, service, label):
        done, failed = 0, 0
        for proposal in queryset:
            try:
                service(actor=request.user, proposal=proposal)
                done += 1
            except ValidationError:
                failed += 1
        self.message_user(
            request,
            _("%(action)s — done: %(done)s; skipped because of their status: %(failed)s.")
            % {"action": label, "done": Proposal.wording.counted(done), "failed": Proposal.wording.counted(failed)},
        )

    @admin.action(description=_("Register the selected proposals"), permissions=["change"])
    def register_selected(self, request, queryset):
        self._bulk(request, queryset, services.proposal_register, services.STEPS["register"].label)

    @admin.action(description=_("Take the selected proposals into work"), permissions=["change"])
    def take_selected(self, request, queryset):
        self._bulk(request, queryset, services.proposal_take_in_work, services.STEPS["take_in_work"].label)

    @admin.action(description=_("Reject the selected proposals (with a reason)…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(reverse("admin:proposals_proposal_reject_many") + f"?ids={ids}")

    def reject_many_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        raw = request.GET.get("ids", "")
        ids = [int(x) for x in raw.split(",") if x.isdigit()]
        proposals = list(self.get_queryset(request).filter(pk__in=ids).order_by("number"))
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            terms = {name: form.cleaned_data[name] for name in ("reason", "comment", "duplicate_of_number")}
            done = each_through_service(
                self,
                request,
                proposals,
                lambda proposal: services.proposal_reject(actor=request.user, proposal=proposal, **terms),
                name_of=lambda proposal: proposal.number,
                level=messages.WARNING,
            )
            self.message_user(request, _("Rejected: %(counted)s.") % {"counted": Proposal.wording.counted(done)})
            return HttpResponseRedirect(reverse("admin:proposals_proposal_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reject proposals"),
            "proposals": proposals,
            "form": form,
            "action_label": services.STEPS["reject"].label,
            "change_url": reverse("admin:proposals_proposal_changelist"),
        }
        return TemplateResponse(request, "admin/proposals/proposal/transition.html", context)

    # --- statistics
    def stats_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        total, per_org = proposal_stats(self.get_queryset(request))
        since = timezone.now() - timedelta(days=30)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Proposals: statistics"),
            "total": total,
            "per_org": per_org,
            "last_30_days": self.get_queryset(request).filter(created_at__gte=since).count(),
        }
        return TemplateResponse(request, "admin/proposals/proposal/stats.html", context)
