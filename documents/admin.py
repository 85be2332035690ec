"""The office's back office for the registry. Every write goes through the
services, so the admin checks and records exactly what the pages and the
import do."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from documents import services
from documents.models import (
    Document,
    DocumentFile,
    DocumentFileVersion,
    DocumentKind,
    DocumentRelation,
    DocumentStatus,
    FileType,
    RecognitionStatus,
    Tag,
)
from documents.resources import DocumentResource
from documents.uploads import check_upload
from leanedu.admin_rules import RuledAdminMixin, each_through_service
from leanedu.spreadsheets import SafeCSV, SafeXLSX


class UploadField(forms.FileField):
    """A file field that checks the content and the size before anything is stored."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and upload is not initial:
            check_upload(upload)
        return upload


class DocumentFileInlineForm(forms.ModelForm):
    upload = UploadField(
        label=_("file (PDF, DOCX, ODT, XLSX; a scan as JPEG, PNG, TIFF)"),
        required=False,
        help_text=_("For an existing file, a new upload becomes its current edition; the old one is kept."),
    )
    edition_date = forms.DateField(label=_("edition of"), required=False, widget=admin.widgets.AdminDateWidget)

    class Meta:
        model = DocumentFile
        fields = ["title", "position"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("upload") and not cleaned.get("DELETE") and self.has_changed():
            self.add_error("upload", _("Choose the file to upload."))
        return cleaned


class DocumentFileInline(RuledAdminMixin, admin.TabularInline):
    model = DocumentFile
    form = DocumentFileInlineForm
    extra = 1
    fields = ["title", "position", "current_edition", "upload", "edition_date"]
    readonly_fields = ["current_edition"]

    @admin.display(description=_("current edition"))
    def current_edition(self, obj):
        version = obj.current_version if obj and obj.pk else None
        if version is None:
            return "—"
        status = version.get_extraction_status_display()
        if version.recognition_status != RecognitionStatus.NOT_NEEDED:
            status = version.recognition_display
        return f"{version.original_name} ({status})"


class OutgoingRelationInline(RuledAdminMixin, admin.TabularInline):
    model = DocumentRelation
    fk_name = "source"
    extra = 1
    fields = ["kind", "target", "note"]
    autocomplete_fields = ["target"]
    verbose_name = _("relation to another document")
    verbose_name_plural = _("this document refers to")


class IncomingRelationInline(RuledAdminMixin, admin.TabularInline):
    model = DocumentRelation
    fk_name = "target"
    extra = 0
    fields = ["source", "kind", "note"]
    readonly_fields = ["source", "kind", "note"]
    can_delete = False
    verbose_name_plural = _("documents that refer to this one")

    def has_add_permission(self, request, obj=None):
        return False


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = list(Document.REGISTRY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # A new document starts as a draft or in force; later changes are transitions.
            self.fields["status"].choices = [
                (DocumentStatus.DRAFT, DocumentStatus.DRAFT.label),
                (DocumentStatus.IN_FORCE, DocumentStatus.IN_FORCE.label),
            ]


@admin.register(Document)
class DocumentAdmin(RuledAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    form = DocumentAdminForm
    resource_classes = [DocumentResource]
    formats = [SafeCSV, SafeXLSX]
    list_display = ["number", "date_signed", "kind", "title", "authority", "status", "is_public"]
    list_display_links = ["number", "title"]
    list_filter = [
        "kind",
        "status",
        "is_public",
        ("authority", admin.RelatedOnlyFieldListFilter),
        "tags",
        ("date_signed", admin.DateFieldListFilter),
    ]
    list_select_related = ["kind", "authority"]
    search_fields = ["number", "title", "summary"]
    autocomplete_fields = ["authority", "kind", "tags"]
    date_hierarchy = "date_signed"
    inlines = [DocumentFileInline, OutgoingRelationInline, IncomingRelationInline]
    actions = ["put_in_force", "mark_repealed", "mark_amended", "recognise_again"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["kind", "authority", "authority_genitive", "number", "date_signed", "title", "summary"]}),
        (_("Status and publication"), {"fields": ["status", "effective_from", "effective_until", "is_public", "tags"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["status"] if obj is not None else []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._warn_if_recognition_off(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _warn_if_recognition_off(self, request):
        """Staff uploading a scan must know whether its text will be read."""
        from documents import ocr

        reason = ocr.unavailable_reason()
        if reason and request.method == "GET":
            self.message_user(
                request,
                _("Scans will be stored but their text will not be recognised: %(reason)s.") % {"reason": reason},
                messages.WARNING,
            )

    @admin.action(description=_("Recognise the text of scans again"), permissions=["change"])
    def recognise_again(self, request, queryset):
        versions = DocumentFileVersion.objects.filter(
            document_file__document__in=queryset,
            is_current=True,
            file_type__in=[FileType.PDF, FileType.JPEG, FileType.PNG, FileType.TIFF],
        )
        count = 0
        for version in versions:
            services.file_version_recognise_again(actor=request.user, version=version)
            count += 1
        if count:
            self.message_user(
                request,
                _("Files sent to be checked for scanned pages and recognised: %(n)d.") % {"n": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("The selected documents have no scans to recognise."), messages.INFO)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
        data["tags"] = form.cleaned_data.get("tags", [])
        if change:
            document = services.document_update(actor=request.user, document=obj, **data)
        else:
            document = services.document_create(
                actor=request.user, status=form.cleaned_data.get("status", DocumentStatus.IN_FORCE), **data
            )
            obj.pk = document.pk
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Tags went through the service in save_model; inlines through save_formset below.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        document = form.instance
        # The admin's change message reads these; the services did the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is DocumentFile:
            self._save_files(request, document, formset)
        elif formset.model is DocumentRelation and formset.fk.name == "source":
            self._save_relations(request, document, formset)

    def _save_files(self, request, document, formset):
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not inline_form.instance.pk:
                continue
            data = inline_form.cleaned_data
            instance = inline_form.instance
            if data.get("DELETE") and instance.pk:
                services.document_file_delete(actor=request.user, document_file=instance)
            elif not instance.pk:
                services.document_file_add(
                    actor=request.user,
                    document=document,
                    title=data["title"],
                    position=data.get("position") or 0,
                    upload=data["upload"],
                    edition_date=data.get("edition_date"),
                )
            else:
                if {"title", "position"} & set(inline_form.changed_data):
                    services.document_file_update(
                        actor=request.user, document_file=instance, title=data["title"], position=data["position"]
                    )
                if data.get("upload"):
                    services.file_version_add(
                        actor=request.user,
                        document_file=instance,
                        upload=data["upload"],
                        edition_date=data.get("edition_date"),
                    )

    def _save_relations(self, request, document, formset):
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if not data:
                continue
            instance = inline_form.instance
            if data.get("DELETE") and instance.pk:
                services.relation_remove(actor=request.user, relation=instance)
            elif instance.pk and inline_form.changed_data == ["note"]:
                services.relation_update_note(actor=request.user, relation=instance, note=data.get("note", ""))
            elif not instance.pk or inline_form.changed_data:
                # A changed relation is a different relation: remove and register anew.
                with transaction.atomic():
                    if instance.pk:
                        old = DocumentRelation.objects.get(pk=instance.pk)
                        services.relation_remove(actor=request.user, relation=old)
                    services.relation_add(
                        actor=request.user,
                        source=document,
                        kind=data["kind"],
                        target=data["target"],
                        note=data.get("note", ""),
                    )

    def _transition(self, request, queryset, status):
        done = each_through_service(
            self,
            request,
            queryset,
            lambda document: services.document_change_status(actor=request.user, document=document, status=status),
            name_of=lambda document: f"№ {document.number}",
        )
        if done:
            self.message_user(
                request,
                _("Status changed: %(counted)s.") % {"counted": Document.wording.counted(done)},
                messages.SUCCESS,
            )

    def delete_service(self, request, obj, *, reason=""):
        services.document_delete(actor=request.user, document=obj, reason=reason)

    @admin.action(description=_("Put into force"), permissions=["change"])
    def put_in_force(self, request, queryset):
        self._transition(request, queryset, DocumentStatus.IN_FORCE)

    @admin.action(description=_("Mark as no longer in force"), permissions=["change"])
    def mark_repealed(self, request, queryset):
        self._transition(request, queryset, DocumentStatus.REPEALED)

    @admin.action(description=_("Mark as amended"), permissions=["change"])
    def mark_amended(self, request, queryset):
        self._transition(request, queryset, DocumentStatus.AMENDED)


# Reference lists are exported, not imported: rows come through their change page.
@admin.register(DocumentKind)
class DocumentKindAdmin(RuledAdminMixin, ExportMixin, SimpleHistoryAdmin):
    formats = [SafeCSV, SafeXLSX]
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(RuledAdminMixin, ExportMixin, admin.ModelAdmin):
    formats = [SafeCSV, SafeXLSX]
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class DocumentFileVersionInline(RuledAdminMixin, admin.TabularInline):
    model = DocumentFileVersion
    extra = 0
    fields = [
        "original_name",
        "file_type",
        "size",
        "edition_date",
        "is_current",
        "extraction_status",
        "recognition",
        "sha256",
        "uploaded_at",
        "uploaded_by",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("text recognition"))
    def recognition(self, obj):
        return obj.recognition_display


@admin.register(DocumentFile)
class DocumentFileAdmin(RuledAdminMixin, SimpleHistoryAdmin):
    """Files and their editions, read here; uploads go through the document's page."""

    list_display = ["title", "document", "position"]
    list_select_related = ["document"]
    search_fields = ["title", "document__number", "document__title"]
    autocomplete_fields = ["document"]
    inlines = [DocumentFileVersionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["document"] if obj is not None else []

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.document_file_update(actor=request.user, document_file=obj, title=obj.title, position=obj.position)

    def delete_service(self, request, obj, *, reason=""):
        services.document_file_delete(actor=request.user, document_file=obj)


@admin.register(DocumentRelation)
class DocumentRelationAdmin(RuledAdminMixin, SimpleHistoryAdmin):
    list_display = ["source", "kind", "target", "note", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["source", "target"]
    search_fields = ["source__number", "source__title", "target__number", "target__title"]
    autocomplete_fields = ["source", "target"]

    def get_readonly_fields(self, request, obj=None):
        return ["source", "kind", "target"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:  # only the note is editable here
            services.relation_update_note(actor=request.user, relation=obj, note=obj.note)
            return
        relation = services.relation_add(
            actor=request.user, source=obj.source, kind=obj.kind, target=obj.target, note=obj.note
        )
        obj.pk = relation.pk

    def delete_service(self, request, obj, *, reason=""):
        services.relation_remove(actor=request.user, relation=obj)
