"""Demo data: the five documents of the office's page, and a synthetic region."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from documents import demo, ocr
from documents.models import (
    Document,
    DocumentFileVersion,
    DocumentRelation,
    DocumentStatus,
    ExtractionStatus,
    RecognitionStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_password(settings):
    settings.DEMO_PASSWORD = "demo-password-123"


def test_seed_loads_the_five_documents_with_relations_and_searchable_files(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", quiet_accounts=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", quiet_accounts=True)  # idempotent
    assert sorted(Document.objects.values_list("number", flat=True)) == ["0172488", "0173307", "137-р", "460", "488-р"]
    assert DocumentRelation.objects.count() == 3
    assert DocumentFileVersion.objects.count() == 5
    scan = DocumentFileVersion.objects.get(document_file__document__number=demo.SCANNED_KEY)
    if ocr.unavailable_reason() is None:
        # The order ships as an image-only scan and is found by its body.
        assert scan.recognition_status == RecognitionStatus.DONE
        assert list(Document.objects.search("контроль исполнения приказа").values_list("number", flat=True)) == [
            "0172488"
        ]
        expected_statuses = {ExtractionStatus.DONE}
    else:
        assert scan.recognition_status == RecognitionStatus.OFF
        expected_statuses = {ExtractionStatus.DONE, ExtractionStatus.EMPTY}
    assert set(DocumentFileVersion.objects.values_list("extraction_status", flat=True)) == expected_statuses
    pilot = Document.objects.get(number="137-р")
    assert pilot.requisites == (
        "Распоряжение Управления образования администрации города Троицка от 15.03.2022 № 137-р "
        "«О создании опорных площадок по внедрению бережливых технологий»"
    )
    assert pilot.status == DocumentStatus.IN_FORCE
    assert pilot.outgoing_relations.get().target.number == "0172488"
    assert list(Document.objects.search("опорная площадка").values_list("number", flat=True)) == ["137-р"]
    # The text of the generated file is searched too.
    assert Document.objects.search("демонстрационный файл").count() == (5 if scan.text else 4)


def test_without_a_cyrillic_font_the_demo_files_are_docx(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(demo, "find_cyrillic_font", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", quiet_accounts=True)
    assert set(DocumentFileVersion.objects.values_list("file_type", flat=True)) == {"docx"}
    assert Document.objects.search("опорная площадка").count() == 1


def test_region_seed_adds_synthetic_documents_once(monkeypatch):
    monkeypatch.setattr(demo, "SYNTHETIC_COUNT", 300)
    call_command("seed_demo", region=2, orgs_per_municipality=3, quiet_accounts=True)
    synthetic = Document.objects.filter(number__startswith=demo.SYNTHETIC_NUMBER_PREFIX)
    assert synthetic.count() == 300
    assert synthetic.filter(search_vector__isnull=True).count() == 0
    call_command("seed_demo", region=2, orgs_per_municipality=3, quiet_accounts=True)
    assert synthetic.count() == 300
    assert Document.objects.search("картирование потока").exists()
