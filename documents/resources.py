"""Import and export of the registry's requisites (CSV, XLSX).

Rows are matched on the natural key (authority, kind, number, date), so a
re-imported file updates rows instead of duplicating them; every row is
validated with full_clean() and the admin shows a preview before applying.
Rows are written by the registry's services (``document_create``,
``document_update``), so their rules — a new document is a draft or in force,
only office staff register — are the only ones."""

from __future__ import annotations

from import_export import fields, widgets

from documents import services
from documents.models import Document, DocumentKind, Tag
from leanedu.formats import DATE
from leanedu.models import Organization
from leanedu.resources import ServiceResource


class DocumentResource(ServiceResource):
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=widgets.ForeignKeyWidget(DocumentKind, field="name")
    )
    authority = fields.Field(
        attribute="authority",
        column_name="authority",
        widget=widgets.ForeignKeyWidget(Organization, field="short_name"),
    )
    date_signed = fields.Field(
        attribute="date_signed", column_name="date_signed", widget=widgets.DateWidget(format=DATE)
    )
    effective_from = fields.Field(
        attribute="effective_from", column_name="effective_from", widget=widgets.DateWidget(format=DATE)
    )
    effective_until = fields.Field(
        attribute="effective_until", column_name="effective_until", widget=widgets.DateWidget(format=DATE)
    )
    tags = fields.Field(
        attribute="tags", column_name="tags", widget=widgets.ManyToManyWidget(Tag, field="name", separator=";")
    )

    class Meta:
        model = Document
        fields = ("id", *Document.REGISTRY_FIELDS)
        export_order = fields
        import_id_fields = ("authority", "kind", "number", "date_signed")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        # The admin exports its own (scoped) changelist queryset; this one is
        # for matching imported rows, so duplicates are found in the whole registry.
        return super().get_queryset().select_related("kind", "authority").prefetch_related("tags")

    def before_import_row(self, row, **kwargs):
        status, is_public = self.fields["status"].column_name, self.fields["is_public"].column_name
        if row.get(status) in (None, ""):
            row[status] = "in_force"
        if row.get(is_public) in (None, ""):
            row[is_public] = "1"

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A status moves only through transitions and relations (services):
        # an import sets it for new rows and leaves existing rows' status alone.
        if field.attribute == "status" and instance.pk:
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.number:
            instance.number = instance.number.strip()

    def import_save(self, instance, *, is_create: bool, actor) -> None:
        data = {name: getattr(instance, name) for name in services.EDITABLE_FIELDS}
        if is_create:
            created = services.document_create(actor=actor, status=instance.status, **data)
            # django-import-export sets the tags on this instance next.
            instance.pk = created.pk
            instance._state.adding = False
        else:
            services.document_update(actor=actor, document=instance, **data)
