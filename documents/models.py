"""Registry of regulatory documents (orders, directives, …): requisites,
files with editions, typed relations and a stored Russian search vector."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from documents.querysets import DocumentPartQuerySet, DocumentQuerySet, FileVersionQuerySet, RelationQuerySet
from leanedu.formats import ru_date
from leanedu.rules import RuledQuerySet
from leanedu.wording import Noun


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("No longer in force")


class DocumentKind(models.Model):
    """A reference list entry: приказ, распоряжение, положение… Staff extend it."""

    name = models.CharField(pgettext_lazy("registry", "name"), max_length=100, unique=True)
    slug = models.SlugField(_("code"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("order in lists"), default=100)

    history = HistoricalRecords()

    objects = RuledQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "document kind"),
        genitive=pgettext_lazy("genitive", "document kind"),
        selected=pgettext_lazy("accusative plural", "selected document kinds"),
        count=npgettext_lazy("count", "%(count)s document kind", "%(count)s document kinds", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free subject label (e.g. «опорные площадки», «показатели»)."""

    name = models.CharField(pgettext_lazy("registry", "name"), max_length=100, unique=True)
    slug = models.SlugField(_("code"), max_length=100, unique=True, allow_unicode=True)

    objects = RuledQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "tag"),
        genitive=pgettext_lazy("genitive", "tag"),
        selected=pgettext_lazy("accusative plural", "selected tags"),
        count=npgettext_lazy("count", "%(count)s tag", "%(count)s tags", "count"),
        gender="f",
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """One regulatory act: its requisites and status.

    ``search_vector`` is kept by a database trigger (migration 0002) from the
    title (weight A), the kind and summary (B) and the text of the current
    file editions (C, ``file_text``), with ё read as е, so every write path —
    services, the admin, imports, bulk inserts — keeps it current."""

    kind = models.ForeignKey(
        DocumentKind,
        verbose_name=_("kind"),
        on_delete=models.PROTECT,
        related_name="documents",
        # NULL is allowed in the table only for rows created before kinds
        # existed; full_clean() (every service) requires a kind.
        null=True,
    )
    authority = models.ForeignKey(
        "leanedu.Organization",
        verbose_name=_("issuing authority"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    authority_genitive = models.CharField(
        _("issuing authority in the genitive case"),
        max_length=500,
        blank=True,
        help_text=_("For the requisites line, e.g. «Управления образования администрации города Троицка»."),
    )
    number = models.CharField(_("number"), max_length=50)
    date_signed = models.DateField(_("date signed"), db_index=True)
    title = models.CharField(_("title"), max_length=1000)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE, db_index=True
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Internal documents are shown only to signed-in staff and officials.")
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="documents")
    file_text = models.TextField(_("text of the files"), blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["file_text", "search_vector"])
    objects = DocumentQuerySet.as_manager()

    # A registry entry as the office keeps it, in the order of the form and of
    # the exported file; the services, the admin form and the import list
    # their fields from here.
    REGISTRY_FIELDS = (
        "kind",
        "authority",
        "authority_genitive",
        "number",
        "date_signed",
        "title",
        "summary",
        "status",
        "effective_from",
        "effective_until",
        "is_public",
        "tags",
    )

    wording = Noun(
        accusative=pgettext_lazy("accusative", "document"),
        genitive=pgettext_lazy("genitive", "document"),
        selected=pgettext_lazy("accusative plural", "selected documents"),
        count=npgettext_lazy("count", "%(count)s document", "%(count)s documents", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("document")
        # Imports write many rows at once: a right of its own, given to the roles that import.
        permissions = [("import_document", _("Can import documents"))]
        verbose_name_plural = _("documents")
        ordering = ["-date_signed", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "authority",
                "kind",
                Lower("number"),
                "date_signed",
                name="document_unique_requisites",
                violation_error_message=_(
                    "A document of this kind with this number and date from this authority is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="document_effective_period_order",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="document_search_gin"),
            models.Index(Lower("number"), name="document_number_lower"),
        ]

    def __str__(self) -> str:
        return f"№ {self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def requisites(self) -> str:
        """The usual Russian citation: «Распоряжение Управления … от 15.03.2022 № 137-р «О …»»."""
        authority = self.authority_genitive or (f"({self.authority.short_name})" if self.authority_id else "")
        return _("%(kind)s %(authority)s of %(date)s No. %(number)s “%(title)s”") % {
            "kind": self.kind.name if self.kind_id else _("Document"),
            "authority": authority,
            "date": ru_date(self.date_signed),
            "number": self.number,
            "title": self.title,
        }


class DocumentFile(models.Model):
    """One file of a document (the act itself, an annex) across its editions."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("file title"), max_length=300, help_text=_("E.g. «Текст распоряжения», «Приложение 1»."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    objects = DocumentPartQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "document file"),
        genitive=pgettext_lazy("genitive", "document file"),
        selected=pgettext_lazy("accusative plural", "selected document files"),
        count=npgettext_lazy("count", "%(count)s document file", "%(count)s document files", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ["document", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> DocumentFileVersion | None:
        """The current edition; uses prefetched versions when present."""
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is None:
            return self.versions.filter(is_current=True).first()
        return next((v for v in versions if v.is_current), None)


class FileType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    ODT = "odt", "ODT"
    XLSX = "xlsx", "XLSX"
    # Scans: recognised by OCR (documents/ocr.py) into a searchable PDF.
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    TIFF = "tiff", "TIFF"


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for text extraction")
    DONE = "done", _("Text extracted")
    EMPTY = "empty", _("No text found")
    FAILED = "failed", _("Text could not be extracted")


class RecognitionStatus(models.TextChoices):
    """Recognition of a scan's text (OCR); see documents/ocr.py."""

    NOT_NEEDED = "not_needed", _("Not needed: the file has its own text")
    PENDING = "pending", _("Waiting for recognition")
    DONE = "done", _("Text recognised")
    FAILED = "failed", _("Recognition failed")
    OFF = "off", _("Recognition is switched off")


def version_upload_to(instance: DocumentFileVersion, filename: str) -> str:
    """A random name under the year: the original name is kept in a field."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{instance.uploaded_at:%Y}/{uuid.uuid4().hex}{suffix}"


class DocumentFileVersion(models.Model):
    """One edition of a file («в ред. от …»). Exactly one per file is current."""

    document_file = models.ForeignKey(
        DocumentFile, verbose_name=_("document file"), on_delete=models.CASCADE, related_name="versions"
    )
    file = models.FileField(_("file"), upload_to=version_upload_to, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    file_type = models.CharField(_("file type"), max_length=10, choices=FileType.choices)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    edition_date = models.DateField(_("edition of"), null=True, blank=True)
    is_current = models.BooleanField(_("current edition"), default=True)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    extraction_status = models.CharField(
        _("text extraction"), max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    recognition_status = models.CharField(
        _("text recognition"), max_length=12, choices=RecognitionStatus.choices, default=RecognitionStatus.NOT_NEEDED
    )
    recognition_note = models.CharField(_("recognition note"), max_length=300, blank=True, editable=False)
    pages_recognised = models.PositiveIntegerField(_("pages recognised"), default=0, editable=False)
    # The scan with a text layer laid over it; the original stays in ``file``.
    searchable_file = models.FileField(
        _("searchable PDF"), upload_to=version_upload_to, max_length=300, blank=True, editable=False
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["text"])

    objects = FileVersionQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "file edition"),
        genitive=pgettext_lazy("genitive", "file edition"),
        selected=pgettext_lazy("accusative plural", "selected file editions"),
        count=npgettext_lazy("count", "%(count)s file edition", "%(count)s file editions", "count"),
        gender="f",
    )

    class Meta:
        verbose_name = _("file edition")
        verbose_name_plural = _("file editions")
        ordering = ["document_file", "-is_current", "-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_file"],
                condition=models.Q(is_current=True),
                name="document_file_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name a reader's download gets: a recognised scan comes as PDF."""
        name = self.original_name or f"document.{self.file_type}"
        if self.searchable_file and not name.lower().endswith(".pdf"):
            name = f"{PurePath(name).stem}.pdf"
        return name

    @property
    def recognition_display(self) -> str:
        """The recognition status with its reason, as staff read it."""
        label = self.get_recognition_status_display()
        return f"{label}: {self.recognition_note}" if self.recognition_note else label


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("amends")
    REPEALS = "repeals", _("repeals (declares no longer in force)")
    APPROVES_ANNEX = "approves_annex", _("approves an annex to")
    IMPLEMENTS = "implements", _("issued in pursuance of")


# How a relation reads from the target's side.
REVERSE_LABELS = {
    RelationKind.AMENDS: _("amended by"),
    RelationKind.REPEALS: _("repealed by"),
    RelationKind.APPROVES_ANNEX: _("annex approved by"),
    RelationKind.IMPLEMENTS: _("implemented by"),
}


class DocumentRelation(models.Model):
    """«source изменяет / отменяет / … target». Registered through
    ``services.relation_add`` which also moves the target's status."""

    source = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="outgoing_relations"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    target = models.ForeignKey(
        Document, verbose_name=_("related document"), on_delete=models.CASCADE, related_name="incoming_relations"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    objects = RelationQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "relation between documents"),
        genitive=pgettext_lazy("genitive", "relation between documents"),
        selected=pgettext_lazy("accusative plural", "selected relations between documents"),
        count=npgettext_lazy(
            "count", "%(count)s relation between documents", "%(count)s relations between documents", "count"
        ),
        gender="f",
    )

    class Meta:
        verbose_name = _("relation between documents")
        verbose_name_plural = _("relations between documents")
        ordering = ["source", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target"],
                name="document_relation_unique",
                violation_error_message=_("This relation is already registered."),
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="document_relation_not_to_itself",
                violation_error_message=_("A document cannot refer to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"

    @property
    def reverse_label(self) -> str:
        return REVERSE_LABELS[RelationKind(self.kind)]
