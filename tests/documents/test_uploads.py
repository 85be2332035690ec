"""Uploads: recognised by content, limited in size, never a 500."""

from __future__ import annotations

import hashlib
import io
import logging

import pytest
from defusedxml import EntitiesForbidden
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.extraction import extract_text
from documents.models import DocumentFile, DocumentFileVersion, ExtractionStatus
from tests.documents.factories import (
    WINDOWS_EXE,
    DocumentFactory,
    docx_bytes,
    odt_bytes,
    pdf_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(municipality):
    return DocumentFactory(authority=municipality, title="О плане работы")


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_windows_executable_renamed_to_pdf_is_refused_and_nothing_stored(document, stored_files):
    with pytest.raises(ValidationError) as error:
        services.document_file_add(
            actor=None, document=document, title="Текст", upload=upload("приказ.pdf", WINDOWS_EXE)
        )
    assert "Это не документ PDF, DOCX, ODT или XLSX" in " ".join(error.value.messages)
    assert DocumentFile.objects.count() == 0
    assert DocumentFileVersion.objects.count() == 0
    assert stored_files() == []


def test_an_oversized_file_is_refused_and_nothing_stored(document, stored_files, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    big = docx_bytes("Текст " * 5000)
    assert len(big) > 10_000
    with pytest.raises(ValidationError) as error:
        services.document_file_add(actor=None, document=document, title="Текст", upload=upload("big.docx", big))
    assert "слишком большой" in " ".join(error.value.messages)
    assert DocumentFile.objects.count() == 0
    assert stored_files() == []


def test_a_zip_that_is_not_an_office_document_is_refused(document):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError):
        services.document_file_add(
            actor=None, document=document, title="Архив", upload=upload("a.docx", buffer.getvalue())
        )


@pytest.mark.parametrize(
    ("name", "maker", "kind"),
    [
        ("scan.docx", lambda: pdf_bytes("Lean school report"), "pdf"),
        ("text.pdf", lambda: docx_bytes("Текст распоряжения"), "docx"),
        ("text.bin", lambda: odt_bytes("Текст положения"), "odt"),
        ("table.docx", lambda: xlsx_bytes("Показатель"), "xlsx"),
    ],
)
def test_accepted_types_are_recognised_by_content_not_by_name(document, name, maker, kind):
    data = maker()
    document_file = services.document_file_add(actor=None, document=document, title="Файл", upload=upload(name, data))
    version = document_file.versions.get()
    assert version.file_type == kind
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data)
    assert version.original_name == name


@pytest.mark.parametrize(
    ("maker", "needle"),
    [
        (lambda: pdf_bytes("Lean school report on value stream mapping"), "value stream mapping"),
        (lambda: docx_bytes("Создать опорные площадки"), "опорные площадки"),
        (lambda: odt_bytes("Положение о проектном офисе"), "проектном офисе"),
        (lambda: xlsx_bytes("Доля организаций с проектом"), "Доля организаций"),
    ],
)
def test_text_is_extracted_in_the_background_for_the_search(
    document, maker, needle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.document_file_add(actor=None, document=document, title="Файл", upload=upload("f", maker()))
    version = DocumentFileVersion.objects.get()
    assert version.extraction_status == ExtractionStatus.DONE
    assert needle in version.text
    document.refresh_from_db()
    assert needle in document.file_text


def test_a_damaged_pdf_is_stored_and_the_failure_logged(
    client, document, stored_files, caplog, django_capture_on_commit_callbacks
):
    damaged = b"%PDF-1.7\n" + b"\x00garbage" * 200
    with caplog.at_level(logging.WARNING, logger="documents"), django_capture_on_commit_callbacks(execute=True):
        services.document_file_add(actor=None, document=document, title="Скан", upload=upload("scan.pdf", damaged))
    version = DocumentFileVersion.objects.get()
    assert version.extraction_status == ExtractionStatus.FAILED
    assert len(stored_files()) == 1
    assert "text extraction failed" in caplog.text
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "Скан" in response.content.decode()


def test_a_new_edition_becomes_current_and_the_old_one_is_kept(client, document, django_capture_on_commit_callbacks):
    import datetime as dt

    with django_capture_on_commit_callbacks(execute=True):
        document_file = services.document_file_add(
            actor=None, document=document, title="Положение", upload=upload("v1.docx", docx_bytes("Первая редакция"))
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.file_version_add(
            actor=None,
            document_file=document_file,
            upload=upload("v2.docx", docx_bytes("Вторая редакция")),
            edition_date=dt.date(2023, 2, 1),
        )
    versions = list(document_file.versions.order_by("pk"))
    assert [v.is_current for v in versions] == [False, True]
    document.refresh_from_db()
    assert "Вторая редакция" in document.file_text and "Первая редакция" not in document.file_text
    html = client.get(document.get_absolute_url()).content.decode()
    assert "в ред. от 01.02.2023" in html
    assert "Прежние редакции" in html
    old = client.get(f"/documents/{document.pk}/files/{versions[0].pk}/")
    assert old.status_code == 200
    assert old["Content-Disposition"].startswith("attachment")


def test_the_downloaded_file_is_the_uploaded_one(client, document):
    data = docx_bytes("Текст распоряжения")
    document_file = services.document_file_add(
        actor=None, document=document, title="Текст", upload=upload("распоряжение.docx", data)
    )
    version = document_file.versions.get()
    response = client.get(f"/documents/{document.pk}/files/{version.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")


def _odt_with_content(content: str) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_odt_text_keeps_headings_spans_and_spaces():
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:h>Положение</text:h>"
        "<text:p>о <text:span>проектном</text:span><text:s/>офисе<text:s text:c='2'/>школы</text:p>"
        "<text:list><text:list-item><text:p>пункт списка</text:p></text:list-item></text:list>"
        "</office:text></office:body></office:document-content>"
    )
    text = extract_text(_odt_with_content(content), "odt")
    assert text == "Положение о проектном офисе школы пункт списка"


def test_odt_with_an_entity_bomb_is_refused_not_expanded():
    content = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">&b;'
        "</office:document-content>"
    )
    with pytest.raises(EntitiesForbidden):
        extract_text(_odt_with_content(content), "odt")
