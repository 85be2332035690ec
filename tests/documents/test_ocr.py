"""Scanned orders become searchable: recognition (OCR) of image-only PDFs and
pictures, run through the same task path as in production."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from documents import services
from documents.models import Document, DocumentFileVersion, RecognitionStatus
from tests.documents.factories import (
    DocumentFactory,
    mixed_pdf_bytes,
    pdf_bytes,
    recognition_font,
    scan_image_bytes,
    scan_pdf_bytes,
)

pytestmark = pytest.mark.django_db

ORDER_LINES = [
    "ПРИКАЗ",
    "О развитии наставничества в школах",
    "Утвердить программу наставничества",
    "для молодых педагогов города.",
]


@pytest.fixture(scope="module")
def font():
    return recognition_font()


@pytest.fixture
def document(municipality):
    return DocumentFactory(authority=municipality, title="О плане работы")


@pytest.fixture
def add(django_capture_on_commit_callbacks):
    """Upload a file as staff do; its extraction and recognition tasks run
    after the commit, as the task worker would run them."""

    def upload(document, name: str, data: bytes) -> DocumentFileVersion:
        with django_capture_on_commit_callbacks(execute=True):
            services.document_file_add(
                actor=None, document=document, title="Текст приказа", upload=SimpleUploadedFile(name, data)
            )
        return DocumentFileVersion.objects.get(document_file__document=document, is_current=True)

    return upload


def found(words: str) -> list[int]:
    return list(Document.objects.search(words).values_list("pk", flat=True))


def test_an_image_only_pdf_is_found_by_the_words_of_its_text(add, document, font):
    version = add(document, "скан.pdf", scan_pdf_bytes([ORDER_LINES], font))

    assert version.recognition_status == RecognitionStatus.DONE
    assert version.pages_recognised == 1
    # Russian morphology: the scan says «наставничества», «педагогов».
    assert found("наставничество молодой педагог") == [document.pk]
    assert found("бухгалтерия") == []


def test_a_jpeg_scan_is_found_and_downloads_as_a_pdf_with_its_text(add, client, document, font):
    document.is_public = True
    document.save()
    version = add(document, "приказ.jpg", scan_image_bytes(ORDER_LINES, font))

    assert version.file_type == "jpeg"
    assert version.recognition_status == RecognitionStatus.DONE
    assert found("программа наставничества") == [document.pk]

    response = client.get(f"/documents/{document.pk}/files/{version.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "приказ.pdf" in response["Content-Disposition"] or "%D0%BF" in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "наставничества" in pdf.pages[0].extract_text()
    # The original picture is kept beside the searchable copy.
    with version.file.open("rb") as original:
        assert original.read(3) == b"\xff\xd8\xff"


def test_a_mixed_pdf_keeps_its_text_pages_and_gains_a_layer_on_the_scan(add, document, font):
    text_page = "Order on the plan of work. Page with its own text layer."
    version = add(document, "смешанный.pdf", mixed_pdf_bytes(text_page, ORDER_LINES, font))

    assert version.recognition_status == RecognitionStatus.DONE
    assert version.pages_recognised == 1
    with version.searchable_file.open("rb") as handle:
        searchable = PdfReader(io.BytesIO(handle.read()))
    original = PdfReader(io.BytesIO(mixed_pdf_bytes(text_page, ORDER_LINES, font)))
    assert len(searchable.pages) == 2
    assert searchable.pages[0].extract_text() == original.pages[0].extract_text()
    assert "наставничества" in searchable.pages[1].extract_text()
    assert found("наставничество") == [document.pk]
    assert found("plan work") == [document.pk]


def test_a_pdf_with_text_is_not_recognised_again(add, document):
    version = add(document, "текст.pdf", pdf_bytes("Order on the annual plan of work of the office."))

    assert version.recognition_status == RecognitionStatus.NOT_NEEDED
    assert not version.searchable_file


def encrypted_pdf(font) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(scan_pdf_bytes([ORDER_LINES], font))))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "note"),
    [
        ("защищённый.pdf", encrypted_pdf, "защищён паролем"),
        ("повреждённый.pdf", lambda font: b"%PDF-1.4\n" + b"\x00garbage" * 200, "повреждён"),
    ],
)
def test_an_encrypted_or_damaged_pdf_is_stored_and_marked(add, client, document, font, name, make, note, stored_files):
    version = add(document, name, make(font))

    assert version.recognition_status == RecognitionStatus.FAILED
    assert note in version.recognition_note
    assert len(stored_files()) == 1  # the original is kept


def test_a_scan_over_the_page_limit_is_stored_and_marked(add, document, font, settings):
    settings.DOCUMENTS_OCR_MAX_PAGES = 1
    version = add(document, "длинный.pdf", scan_pdf_bytes([ORDER_LINES, ORDER_LINES], font))

    assert version.recognition_status == RecognitionStatus.FAILED
    assert "больше страниц" in version.recognition_note
    assert found("наставничество") == []


def test_a_scan_over_the_time_limit_is_marked(add, document, font, settings):
    settings.DOCUMENTS_OCR_TIMEOUT_SECONDS = 0
    version = add(document, "долгий.pdf", scan_pdf_bytes([ORDER_LINES], font))

    assert version.recognition_status == RecognitionStatus.FAILED
    assert "дольше" in version.recognition_note


def test_with_recognition_off_staff_are_told_why_and_can_recognise_again(
    add, django_capture_on_commit_callbacks, admin_client, document, font, settings
):
    settings.DOCUMENTS_OCR_ENABLED = False
    version = add(document, "скан.pdf", scan_pdf_bytes([ORDER_LINES], font))
    assert version.recognition_status == RecognitionStatus.OFF
    assert found("наставничество") == []

    page = admin_client.get(f"/admin/documents/document/{document.pk}/change/").content.decode()
    assert "не будет распознан" in page
    assert "DOCUMENTS_OCR_ENABLED=0" in page

    settings.DOCUMENTS_OCR_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/documents/document/",
            {"action": "recognise_again", "_selected_action": [document.pk]},
            follow=True,
        )
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.recognition_status == RecognitionStatus.DONE
    assert found("наставничество") == [document.pk]


def test_recognition_is_reported_in_the_admin(add, admin_client, document, font):
    version = add(document, "скан.png", scan_image_bytes(ORDER_LINES, font, image_format="PNG"))

    page = admin_client.get(f"/admin/documents/documentfile/{version.document_file_id}/change/").content.decode()
    assert "Текст распознан" in page
