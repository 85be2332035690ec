"""Every write to the registry. Each takes the acting user (None for the
system: demo data, background tasks), runs in a transaction and validates the
rows with full_clean() before saving; status changes are named transitions
recorded in history."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.conf import FILE_TEXT_MAX_CHARS
from documents.models import (
    Document,
    DocumentFile,
    DocumentFileVersion,
    DocumentKind,
    DocumentRelation,
    DocumentStatus,
    ExtractionStatus,
    FileType,
    RecognitionStatus,
    RelationKind,
    Tag,
)
from documents.uploads import check_upload
from leanedu.formats import ru_date
from leanedu.rules import ADD, CHANGE, DELETE, require

logger = logging.getLogger(__name__)

# Which status may follow which. Repealed → in force undoes a mistaken repeal.
TRANSITIONS: dict[str, set[str]] = {
    DocumentStatus.DRAFT: {DocumentStatus.IN_FORCE},
    DocumentStatus.IN_FORCE: {DocumentStatus.AMENDED, DocumentStatus.REPEALED},
    DocumentStatus.AMENDED: {DocumentStatus.IN_FORCE, DocumentStatus.REPEALED},
    DocumentStatus.REPEALED: {DocumentStatus.IN_FORCE},
}
# A source in one of these statuses acts on the documents it refers to.
EFFECTIVE = (DocumentStatus.IN_FORCE, DocumentStatus.AMENDED)

# Status changes are transitions; tags are set beside the fields.
EDITABLE_FIELDS = tuple(name for name in Document.REGISTRY_FIELDS if name not in ("status", "tags"))


def _save(instance, actor, reason: str = "") -> None:
    instance.full_clean()
    instance._history_user = actor
    instance._change_reason = reason or None
    instance.save()


@transaction.atomic
def document_create(
    *,
    actor,
    kind: DocumentKind,
    authority,
    number: str,
    date_signed: dt.date,
    title: str,
    status: str = DocumentStatus.IN_FORCE,
    tags: Iterable[Tag] = (),
    **fields,
) -> Document:
    """Register a document. New documents start as a draft or in force."""
    if status not in (DocumentStatus.DRAFT, DocumentStatus.IN_FORCE):
        raise ValidationError({"status": _("A new document is registered as a draft or in force.")})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    document = Document(
        kind=kind,
        authority=authority,
        number=number.strip(),
        date_signed=date_signed,
        title=title.strip(),
        status=status,
        **fields,
    )
    _save(document, actor, "registered")
    require(actor, ADD, document)
    if tags:
        document.tags.set(tags)
    return document


@transaction.atomic
def document_update(*, actor, document: Document, tags: Iterable[Tag] | None = None, **fields) -> Document:
    """Change a document's requisites (not its status: see document_change_status)."""
    require(actor, CHANGE, document)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(document, name, value)
    _save(document, actor, "requisites changed")
    if tags is not None:
        document.tags.set(tags)
    return document


@transaction.atomic
def document_change_status(*, actor, document: Document, status: str, reason: str = "") -> Document:
    """Move a document to ``status`` if the transition is allowed. A document
    coming into force applies its relations to the documents it amends or repeals."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    require(actor, CHANGE, document)
    if status == document.status:
        return document
    if status not in TRANSITIONS[document.status]:
        raise ValidationError(
            _("A document cannot go from “%(old)s” to “%(new)s”."),
            code="transition",
            params={"old": document.get_status_display(), "new": DocumentStatus(status).label},
        )
    document.status = status
    _save(document, actor, reason or f"status: {status}")
    if status in EFFECTIVE:
        for relation in document.outgoing_relations.select_related("target"):
            _apply_relation(actor, relation)
    return document


def _apply_relation(actor, relation: DocumentRelation) -> None:
    """What an effective amending or repealing act does to its target."""
    source = relation.source
    if source.status not in EFFECTIVE:
        return
    target = Document.objects.select_for_update().get(pk=relation.target_id)
    reason = f"{relation.get_kind_display()}: № {source.number} от {ru_date(source.date_signed)}"
    if relation.kind == RelationKind.REPEALS and target.status != DocumentStatus.REPEALED:
        target.status = DocumentStatus.REPEALED
        ends = source.effective_from or source.date_signed
        if target.effective_until is None and (target.effective_from is None or ends >= target.effective_from):
            target.effective_until = ends
        _save(target, actor, reason)
    elif relation.kind == RelationKind.AMENDS and target.status == DocumentStatus.IN_FORCE:
        target.status = DocumentStatus.AMENDED
        _save(target, actor, reason)


@transaction.atomic
def relation_add(*, actor, source: Document, kind: str, target: Document, note: str = "") -> DocumentRelation:
    """Register «source <kind> target». A repeal marks the target “no longer
    in force” and an amendment marks it “amended”, in the same transaction
    (once the source itself is in force)."""
    relation = DocumentRelation(source=source, kind=RelationKind(kind), target=target, note=note)
    _save(relation, actor)
    require(actor, ADD, relation)
    _apply_relation(actor, relation)
    return relation


@transaction.atomic
def relation_update_note(*, actor, relation: DocumentRelation, note: str) -> DocumentRelation:
    """Change the note of a relation. Its kind and documents stay: a different
    relation is removed and registered anew, so the statuses it gives follow."""
    relation = DocumentRelation.objects.select_for_update().get(pk=relation.pk)
    require(actor, CHANGE, relation)
    relation.note = note
    _save(relation, actor, "note changed")
    return relation


@transaction.atomic
def relation_remove(*, actor, relation: DocumentRelation) -> None:
    """Delete a relation registered by mistake; the status it gave the target
    (and, for a repeal, the end of its validity) is taken back when no other
    effective act keeps it. Changing a relation is removing it and adding the
    new one."""
    require(actor, DELETE, relation)
    target = Document.objects.select_for_update().get(pk=relation.target_id)
    kind = relation.kind
    relation._history_user = actor
    relation.delete()
    remaining = target.incoming_relations.filter(source__status__in=EFFECTIVE)
    repealed = remaining.filter(kind=RelationKind.REPEALS).exists()
    amended = remaining.filter(kind=RelationKind.AMENDS).exists()
    if kind == RelationKind.REPEALS and target.status == DocumentStatus.REPEALED and not repealed:
        target.status = DocumentStatus.AMENDED if amended else DocumentStatus.IN_FORCE
        # The repeal also ended the validity: take the dates back from the
        # target's last state before it was repealed, so its pilot sites reopen.
        before = target.history.exclude(status=DocumentStatus.REPEALED).order_by("-history_date", "-history_id").first()
        if before is not None:
            target.effective_from, target.effective_until = before.effective_from, before.effective_until
        _save(target, actor, "repealing relation removed")
    elif kind == RelationKind.AMENDS and target.status == DocumentStatus.AMENDED and not amended:
        target.status = DocumentStatus.IN_FORCE
        _save(target, actor, "amending relation removed")


@transaction.atomic
def document_delete(*, actor, document: Document, reason: str = "") -> None:
    """Delete a document registered by mistake. Its relations go through
    ``relation_remove`` first, so a repeal or amendment it made is taken back
    from its targets; its stored files are deleted after the commit."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    require(actor, DELETE, document)
    for relation in document.outgoing_relations.all():
        relation_remove(actor=actor, relation=relation)
    names = [
        (stored.storage, stored.name)
        for v in DocumentFileVersion.objects.filter(document_file__document=document)
        for stored in (v.file, v.searchable_file)
        if stored
    ]
    document._history_user = actor
    document._change_reason = reason or "deleted"
    document.delete()
    transaction.on_commit(lambda: _remove_files(names))


def _remove_files(names) -> None:
    for storage, name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete stored file %s", name)


@transaction.atomic
def document_file_add(
    *, actor, document: Document, title: str, upload, edition_date: dt.date | None = None, position: int | None = None
) -> DocumentFile:
    """Attach a new file (the act, an annex) with its first edition."""
    require(actor, CHANGE, document)
    checked = check_upload(upload)  # before anything is written
    if position is None:
        position = document.files.count()
    document_file = DocumentFile(document=document, title=title.strip(), position=position)
    _save(document_file, actor)
    _store_version(actor, document_file, upload, checked, edition_date)
    return document_file


@transaction.atomic
def document_file_update(*, actor, document_file: DocumentFile, title: str, position: int) -> DocumentFile:
    require(actor, CHANGE, document_file)
    document_file.title = title.strip()
    document_file.position = position
    _save(document_file, actor)
    return document_file


@transaction.atomic
def file_version_add(
    *, actor, document_file: DocumentFile, upload, edition_date: dt.date | None = None
) -> DocumentFileVersion:
    """A new edition of a file: it becomes current, the old ones are kept."""
    require(actor, CHANGE, document_file)
    checked = check_upload(upload)
    return _store_version(actor, document_file, upload, checked, edition_date)


def _store_version(actor, document_file, upload, checked, edition_date) -> DocumentFileVersion:
    for old in document_file.versions.select_for_update().filter(is_current=True):
        old.is_current = False
        old._history_user = actor
        old.save(update_fields=["is_current"])
    version = DocumentFileVersion(
        document_file=document_file,
        original_name=(getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255] or checked.name,
        file_type=FileType(checked.kind.code),
        size=checked.size,
        sha256=checked.sha256,
        edition_date=edition_date,
        is_current=True,
        uploaded_at=timezone.now(),
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        extraction_status=ExtractionStatus.PENDING,
    )
    version.full_clean(exclude=["file"])
    version.file.save(version.original_name, checked.content, save=False)
    version._history_user = actor
    version.save()
    document_id = document_file.document_id
    transaction.on_commit(lambda: _enqueue_extraction(version.pk, document_id))
    return version


def _enqueue_extraction(version_id: int, document_id: int) -> None:
    from documents.tasks import extract_version_text

    try:
        extract_version_text.enqueue(version_id=version_id)
    except Exception:  # a queue that is down must not turn an upload into a 500
        logger.exception("could not enqueue text extraction of file edition %s", version_id)


@transaction.atomic
def document_file_delete(*, actor, document_file: DocumentFile) -> None:
    """Remove a file with all its editions (stored files are deleted after commit)."""
    require(actor, DELETE, document_file)
    document_id = document_file.document_id
    names = [
        (stored.storage, stored.name)
        for v in document_file.versions.all()
        for stored in (v.file, v.searchable_file)
        if stored
    ]
    document_file._history_user = actor
    document_file.delete()
    document_refresh_file_text(document_id=document_id)

    def remove_files():
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete stored file %s", name)

    transaction.on_commit(remove_files)


def file_version_extract_text(*, version_id: int) -> str:
    """Extract one edition's text (a background task calls this). Never raises
    on a bad file: the edition keeps its file, the status says what happened."""
    from documents.extraction import extract_text

    version = DocumentFileVersion.objects.select_related("document_file").filter(pk=version_id).first()
    if version is None:
        return "missing"
    try:
        with version.file.open("rb") as handle:
            data = handle.read()
        text = extract_text(data, version.file_type)
        status = ExtractionStatus.DONE if text.strip() else ExtractionStatus.EMPTY
    except Exception:
        logger.warning("text extraction failed for file edition %s (%s)", version_id, version.file_type, exc_info=True)
        text, status = "", ExtractionStatus.FAILED
    recognition, note = _recognition_decision(data, version.file_type)
    with transaction.atomic():
        DocumentFileVersion.objects.filter(pk=version_id).update(
            text=text[:FILE_TEXT_MAX_CHARS],
            extraction_status=status,
            recognition_status=recognition,
            recognition_note=note[:300],
        )
        document_refresh_file_text(document_id=version.document_file.document_id)
        if recognition == RecognitionStatus.PENDING:
            transaction.on_commit(lambda: _enqueue_recognition(version_id))
    return status


def document_refresh_file_text(*, document_id: int) -> None:
    """Gather the text of the current editions into the document's search text
    (the database trigger turns it into the search vector)."""
    texts = (
        DocumentFileVersion.objects.filter(document_file__document_id=document_id, is_current=True)
        .order_by("document_file__position", "document_file__pk")
        .values_list("text", flat=True)
    )
    combined = "\n".join(t for t in texts if t)[:FILE_TEXT_MAX_CHARS]
    Document.objects.filter(pk=document_id).update(file_text=combined)


# --- recognition of scans (OCR): documents/ocr.py does the reading


def _recognition_decision(data: bytes, file_type: str) -> tuple[str, str]:
    """Whether an edition needs recognition: (status, note for staff)."""
    from documents import ocr

    if file_type not in ocr.IMAGE_TYPES and file_type != FileType.PDF:
        return RecognitionStatus.NOT_NEEDED, ""
    try:
        if file_type == FileType.PDF and not ocr.scanned_pages(data):
            return RecognitionStatus.NOT_NEEDED, ""
        ocr.check_page_limit(ocr.count_pages(data, file_type))
    except ocr.RecognitionError as exc:
        return RecognitionStatus.FAILED, str(exc)
    reason = ocr.unavailable_reason()
    if reason:
        return RecognitionStatus.OFF, reason
    return RecognitionStatus.PENDING, ""


def _enqueue_recognition(version_id: int) -> None:
    from documents.tasks import recognise_version_text

    try:
        recognise_version_text.enqueue(version_id=version_id)
    except Exception:  # a queue that is down must not turn a save into a 500
        logger.exception("could not enqueue recognition of file edition %s", version_id)


def file_version_recognise(*, version_id: int) -> str:
    """Recognise one edition's scanned pages (the task worker calls this).
    Never raises on a bad file: the status and its note say what happened."""
    from documents import ocr

    version = DocumentFileVersion.objects.select_related("document_file").filter(pk=version_id).first()
    if version is None:
        return "missing"
    with version.file.open("rb") as handle:
        data = handle.read()
    status, note = _recognition_decision(data, version.file_type)
    result = None
    if status == RecognitionStatus.PENDING:
        try:
            result = ocr.recognise(data, version.file_type)
            status = RecognitionStatus.DONE
        except ocr.RecognitionError as exc:
            status, note = RecognitionStatus.FAILED, str(exc)
            logger.warning("recognition of file edition %s failed: %s", version_id, exc)
        except Exception:
            status, note = RecognitionStatus.FAILED, str(_("an unexpected error; see the server log"))
            logger.exception("recognition of file edition %s failed", version_id)
    old_searchable = version.searchable_file.name if version.searchable_file else ""
    update = {"recognition_status": status, "recognition_note": note[:300], "pages_recognised": 0}
    if result is not None:
        update.update(text=result.text[:FILE_TEXT_MAX_CHARS], pages_recognised=result.pages_recognised)
        if result.pages_recognised:
            update["extraction_status"] = ExtractionStatus.DONE if result.text.strip() else ExtractionStatus.EMPTY
        if result.searchable_pdf:
            name = f"{PurePath(version.original_name).stem or 'scan'}.pdf"
            version.searchable_file.save(name, ContentFile(result.searchable_pdf), save=False)
            update["searchable_file"] = version.searchable_file.name
    with transaction.atomic():
        DocumentFileVersion.objects.filter(pk=version_id).update(**update)
        document_refresh_file_text(document_id=version.document_file.document_id)
    if old_searchable and old_searchable != update.get("searchable_file", old_searchable):
        transaction.on_commit(lambda: version.searchable_file.storage.delete(old_searchable))
    return status


@transaction.atomic
def file_version_recognise_again(*, actor, version: DocumentFileVersion) -> None:
    """Staff ask for a scan to be read again (after installing Tesseract, or
    raising a limit): the edition waits for the worker once more."""
    require(actor, CHANGE, version)
    version.recognition_status = RecognitionStatus.PENDING
    version.recognition_note = ""
    version._history_user = actor
    version._change_reason = "recognition requested again"
    version.save(update_fields=["recognition_status", "recognition_note"])
    version_id = version.pk
    transaction.on_commit(lambda: _enqueue_recognition(version_id))
