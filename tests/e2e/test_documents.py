"""The registry in a real browser: search, open, download; axe checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from documents import services
from documents.models import DocumentKind, RelationKind
from tests.documents.factories import docx_bytes, recognition_font, scan_pdf_bytes
from tests.e2e.axe import serious_violations
from tests.factories import MunicipalityFactory, RegionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    region = RegionFactory(short_name="Минобрнауки Челябинской области")
    troitsk = MunicipalityFactory(short_name="Управление образования г. Троицка", parent=region)
    kinds = {k.slug: k for k in DocumentKind.objects.all()}
    order = services.document_create(
        actor=None,
        kind=kinds["prikaz"],
        authority=region,
        authority_genitive="Министерства образования и науки Челябинской области",
        number="0172488",
        date_signed=dt.date(2021, 9, 30),
        title="О внедрении бережливых технологий в системе образования Челябинской области",
    )
    directive = services.document_create(
        actor=None,
        kind=kinds["rasporyazhenie"],
        authority=troitsk,
        authority_genitive="Управления образования администрации города Троицка",
        number="137-р",
        date_signed=dt.date(2022, 3, 15),
        title="О создании опорных площадок по внедрению бережливых технологий",
        summary="Опорные площадки создаются на базе школ и детских садов.",
    )
    services.document_file_add(
        actor=None,
        document=directive,
        title="Текст распоряжения",
        upload=ContentFile(docx_bytes("Создать опорные площадки."), name="137-р.docx"),
    )
    services.relation_add(actor=None, source=directive, kind=RelationKind.IMPLEMENTS, target=order)
    return directive


def test_a_visitor_finds_opens_and_downloads_the_directive(page, registry):
    page.goto(page.base_url + "/documents/")
    page.get_by_label("Поиск по названиям, краткому содержанию и текстам файлов").fill("опорная площадка")
    page.get_by_role("button", name="Найти").click()
    page.wait_for_url("**/documents/?q=*")
    page.get_by_role("link", name="О создании опорных площадок по внедрению бережливых технологий").click()
    page.wait_for_url(f"**/documents/{registry.pk}/")
    assert page.get_by_text("Действует", exact=True).is_visible()
    assert page.get_by_role("link", name="О внедрении бережливых технологий", exact=False).is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Текст распоряжения").click()
    download = download_info.value
    assert download.suggested_filename == "137-р.docx"
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"


def test_a_reader_downloads_a_scanned_order_with_a_text_layer(page, registry):
    font = recognition_font()
    order = registry.outgoing_relations.get().target
    order.is_public = True
    order.save()
    lines = ["ПРИКАЗ", "О внедрении бережливых технологий", "Утвердить план наставничества педагогов."]
    # The live server commits for real: extraction and recognition run after it.
    services.document_file_add(
        actor=None,
        document=order,
        title="Скан приказа",
        upload=ContentFile(scan_pdf_bytes([lines], font), name="0172488.pdf"),
    )
    page.goto(page.base_url + "/documents/?q=наставничество")
    page.get_by_role("link", name="О внедрении бережливых технологий", exact=False).first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скан приказа").click()
    download = download_info.value
    assert download.suggested_filename == "0172488.pdf"
    text = PdfReader(download.path()).pages[0].extract_text()
    assert "наставничества" in text


@pytest.mark.parametrize("path", ["/documents/", "/documents/?q=опорная+площадка", "detail"])
def test_no_serious_accessibility_violations(page, registry, path):
    url = registry.get_absolute_url() if path == "detail" else path
    page.goto(page.base_url + url)
    assert serious_violations(page) == []
