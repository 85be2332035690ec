"""The back office: registering with files and relations, import with a
preview, export, history; refused uploads store nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document, DocumentFileVersion, DocumentKind, DocumentStatus
from tests.documents.factories import WINDOWS_EXE, DocumentFactory, docx_bytes

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def add_form(municipality, upload=None, **overrides) -> dict:
    data = {
        "kind": DocumentKind.objects.get(slug="rasporyazhenie").pk,
        "authority": municipality.pk,
        "authority_genitive": "Управления образования администрации города Троицка",
        "number": "137-р",
        "date_signed": "15.03.2022",
        "title": "О создании опорных площадок по внедрению бережливых технологий",
        "summary": "",
        "status": "in_force",
        "effective_from": "",
        "effective_until": "",
        "is_public": "on",
        **management("files", total=1 if upload else 0),
        **management("outgoing_relations"),
        **management("incoming_relations"),
    }
    if upload:
        data.update({"files-0-title": "Текст распоряжения", "files-0-position": "0", "files-0-upload": upload})
    data.update(overrides)
    return data


def test_office_registers_a_document_with_its_file(client, office, municipality, django_capture_on_commit_callbacks):
    client.force_login(office)
    upload = SimpleUploadedFile("137-р.docx", docx_bytes("Создать опорные площадки"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/documents/document/add/", add_form(municipality, upload))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    document = Document.objects.get(number="137-р")
    version = DocumentFileVersion.objects.get(document_file__document=document)
    assert version.text == "Создать опорные площадки"
    assert document.history.first().history_user == office
    assert client.get(f"/admin/documents/document/{document.pk}/history/").status_code == 200


def test_a_renamed_executable_is_refused_in_the_admin_and_nothing_is_stored(client, office, municipality, stored_files):
    client.force_login(office)
    upload = SimpleUploadedFile("приказ.pdf", WINDOWS_EXE, content_type="application/pdf")
    response = client.post("/admin/documents/document/add/", add_form(municipality, upload))
    assert response.status_code == 200
    assert "Это не документ PDF, DOCX, ODT или XLSX" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_a_duplicate_gets_a_clear_form_error(client, office, municipality):
    DocumentFactory(
        kind=DocumentKind.objects.get(slug="rasporyazhenie"),
        authority=municipality,
        number="137-р",
        date_signed=dt.date(2022, 3, 15),
    )
    client.force_login(office)
    response = client.post("/admin/documents/document/add/", add_form(municipality))
    assert response.status_code == 200
    assert "уже есть в реестре" in response.content.decode()
    assert Document.objects.count() == 1


def test_a_repealing_relation_added_in_the_admin_moves_the_target_status(client, office, municipality):
    old = DocumentFactory(authority=municipality, number="12", title="О старом порядке")
    client.force_login(office)
    data = add_form(
        municipality,
        **management("outgoing_relations", total=1),
        **{
            "outgoing_relations-0-kind": "repeals",
            "outgoing_relations-0-target": old.pk,
            "outgoing_relations-0-note": "",
        },
    )
    response = client.post("/admin/documents/document/add/", data)
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == DocumentStatus.REPEALED


def test_import_shows_a_preview_before_anything_is_applied(client, office, municipality):
    client.force_login(office)
    csv = (
        'Вид,"Орган, издавший документ",Номер,Дата подписания,Название,Статус,Публичный\n'
        f"Распоряжение,{municipality.short_name},488-р,12.10.2021,О внедрении бережливых технологий,Действует,да\n"
    ).encode()
    response = client.post(
        "/admin/documents/document/import/",
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("registry.csv", csv)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "О внедрении бережливых технологий" in html
    assert Document.objects.count() == 0  # only a preview so far
    confirm = response.context["confirm_form"]
    response = client.post("/admin/documents/document/process_import/", dict(confirm.initial))
    assert response.status_code == 302
    document = Document.objects.get(number="488-р")
    assert document.date_signed == dt.date(2021, 10, 12)
    assert Document.objects.search("внедрение технологии").get() == document


def test_export_holds_the_registry_requisites(client, office, municipality):
    DocumentFactory(authority=municipality, number="137-р", title="О создании опорных площадок")
    client.force_login(office)
    response = client.post(
        "/admin/documents/document/export/",
        {
            "format": "0",
            "resource": "0",
            **{
                f"documentresource_{name}": "on"
                for name in ("kind", "authority", "number", "date_signed", "title", "status", "is_public")
            },
        },
    )
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "137-р" in body and "О создании опорных площадок" in body


def test_a_coordinator_cannot_open_the_registry_admin(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get("/admin/documents/document/")
    assert response.status_code == 302


def test_admin_list_query_count_does_not_grow(client, office, municipality, django_assert_max_num_queries):
    client.force_login(office)
    DocumentFactory.create_batch(3, authority=municipality)
    with django_assert_max_num_queries(15):
        assert client.get("/admin/documents/document/").status_code == 200
    DocumentFactory.create_batch(40, authority=municipality)
    with django_assert_max_num_queries(15):
        assert client.get("/admin/documents/document/").status_code == 200


def test_a_new_edition_uploaded_in_the_admin_keeps_the_old_one(
    client, office, municipality, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from documents import services

    document = DocumentFactory(authority=municipality, title="Положение о проектном офисе")
    with django_capture_on_commit_callbacks(execute=True):
        document_file = services.document_file_add(
            actor=None, document=document, title="Положение", upload=ContentFile(docx_bytes("Старая"), name="v1.docx")
        )
    client.force_login(office)
    page = client.get(f"/admin/documents/document/{document.pk}/change/")
    assert page.status_code == 200
    assert "v1.docx" in page.content.decode()
    data = {
        "kind": document.kind_id,
        "authority": municipality.pk,
        "authority_genitive": "",
        "number": document.number,
        "date_signed": document.date_signed.strftime("%d.%m.%Y"),
        "title": document.title,
        "summary": "",
        "effective_from": "",
        "effective_until": "",
        "is_public": "on",
        **management("files", total=1, initial=1),
        "files-0-id": document_file.pk,
        "files-0-document": document.pk,
        "files-0-title": "Положение",
        "files-0-position": "0",
        "files-0-upload": SimpleUploadedFile("v2.docx", docx_bytes("Новая редакция")),
        "files-0-edition_date": "01.09.2023",
        **management("outgoing_relations"),
        **management("incoming_relations"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/documents/document/{document.pk}/change/", data)
    assert response.status_code == 302
    versions = list(document_file.versions.order_by("pk"))
    assert [(v.original_name, v.is_current) for v in versions] == [("v1.docx", False), ("v2.docx", True)]
    assert versions[1].edition_date == dt.date(2023, 9, 1)
    document.refresh_from_db()
    assert document.file_text == "Новая редакция"


def test_an_import_cannot_repeal_a_document_behind_the_registry_s_back(client, office, municipality):
    from documents.resources import DocumentResource

    document = DocumentFactory(
        kind=DocumentKind.objects.get(slug="rasporyazhenie"),
        authority=municipality,
        number="488-р",
        date_signed=dt.date(2021, 10, 12),
        title="О внедрении",
    )
    import tablib

    header = ["Вид", "Орган, издавший документ", "Номер", "Дата подписания", "Название", "Статус", "Публичный"]
    rows = [
        ["Распоряжение", municipality.short_name, "488-р", "12.10.2021", "О внедрении (уточнено)", "repealed", "1"],
        ["Распоряжение", municipality.short_name, "500-р", "01.11.2021", "О новом", "repealed", "1"],
    ]
    result = DocumentResource().import_data(tablib.Dataset(*rows, headers=header), dry_run=False, raise_errors=False)
    assert result.has_validation_errors()  # the new row may not start repealed
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_FORCE
    assert not Document.objects.filter(number="500-р").exists()


def test_a_relation_note_edited_in_the_admin_goes_through_the_service(client, office, municipality):
    from documents import services

    old = DocumentFactory(authority=municipality, number="12", title="О старом порядке")
    new = DocumentFactory(authority=municipality, number="99", title="О новом порядке")
    relation = services.relation_add(actor=None, source=new, kind="implements", target=old)
    client.force_login(office)
    response = client.post(f"/admin/documents/documentrelation/{relation.pk}/change/", {"note": "раздел 2"})
    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.note == "раздел 2"
    last = relation.history.first()
    assert last.history_user == office
    assert last.history_change_reason == "note changed"
