"""Writes: relations move statuses, transitions are checked, duplicates refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from documents import services
from documents.models import DocumentKind, DocumentStatus, RelationKind
from tests.documents.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_order(municipality):
    return DocumentFactory(
        authority=municipality,
        number="12",
        date_signed=dt.date(2020, 1, 10),
        effective_from=dt.date(2020, 1, 10),
        title="О порядке приёма",
    )


@pytest.fixture
def new_order(municipality):
    return DocumentFactory(
        authority=municipality,
        number="99",
        date_signed=dt.date(2023, 5, 2),
        effective_from=dt.date(2023, 6, 1),
        title="О новом порядке приёма",
    )


def test_a_repeal_marks_the_target_no_longer_in_force_with_history(office, old_order, new_order):
    services.relation_add(actor=office, source=new_order, kind=RelationKind.REPEALS, target=old_order)
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.REPEALED
    assert old_order.effective_until == dt.date(2023, 6, 1)
    last = old_order.history.first()
    assert last.status == DocumentStatus.REPEALED
    assert last.history_user == office
    assert "99" in last.history_change_reason


def test_an_amendment_marks_the_target_amended(old_order, new_order):
    services.relation_add(actor=None, source=new_order, kind=RelationKind.AMENDS, target=old_order)
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.AMENDED


def test_implementing_or_annex_relations_leave_the_status_alone(old_order, new_order):
    services.relation_add(actor=None, source=new_order, kind=RelationKind.IMPLEMENTS, target=old_order)
    services.relation_add(actor=None, source=new_order, kind=RelationKind.APPROVES_ANNEX, target=old_order)
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.IN_FORCE


def test_a_draft_repeals_nothing_until_it_comes_into_force(office, old_order, new_order):
    new_order.status = DocumentStatus.DRAFT
    new_order.save()
    services.relation_add(actor=office, source=new_order, kind=RelationKind.REPEALS, target=old_order)
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.IN_FORCE
    services.document_change_status(actor=office, document=new_order, status=DocumentStatus.IN_FORCE)
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.REPEALED


def test_removing_a_mistaken_repeal_restores_the_status(old_order, new_order):
    relation = services.relation_add(actor=None, source=new_order, kind=RelationKind.REPEALS, target=old_order)
    services.relation_remove(actor=None, relation=relation)
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.IN_FORCE


def test_relations_are_shown_on_both_documents(client, old_order, new_order):
    services.relation_add(actor=None, source=new_order, kind=RelationKind.REPEALS, target=old_order)
    source_html = client.get(new_order.get_absolute_url()).content.decode()
    target_html = client.get(old_order.get_absolute_url()).content.decode()
    assert "отменяет (признаёт утратившим силу)" in source_html and "О порядке приёма" in source_html
    assert "отменён (признан утратившим силу) документом" in target_html and "О новом порядке приёма" in target_html
    assert "Утратил силу" in target_html
    assert "Документ утратил силу с 01.06.2023" in target_html


def test_a_relation_to_itself_or_twice_is_refused(old_order, new_order):
    with pytest.raises(ValidationError):
        services.relation_add(actor=None, source=old_order, kind=RelationKind.AMENDS, target=old_order)
    services.relation_add(actor=None, source=new_order, kind=RelationKind.AMENDS, target=old_order)
    with pytest.raises(ValidationError):
        services.relation_add(actor=None, source=new_order, kind=RelationKind.AMENDS, target=old_order)


@pytest.mark.parametrize(
    ("start", "goal", "allowed"),
    [
        (DocumentStatus.DRAFT, DocumentStatus.IN_FORCE, True),
        (DocumentStatus.DRAFT, DocumentStatus.REPEALED, False),
        (DocumentStatus.IN_FORCE, DocumentStatus.REPEALED, True),
        (DocumentStatus.REPEALED, DocumentStatus.AMENDED, False),
        (DocumentStatus.REPEALED, DocumentStatus.IN_FORCE, True),
    ],
)
def test_status_transitions_are_checked(office, municipality, start, goal, allowed):
    document = DocumentFactory(authority=municipality, status=start)
    if allowed:
        services.document_change_status(actor=office, document=document, status=goal)
        document.refresh_from_db()
        assert document.status == goal
    else:
        with pytest.raises(ValidationError):
            services.document_change_status(actor=office, document=document, status=goal)


def test_the_same_requisites_cannot_be_registered_twice(office, municipality):
    kind = DocumentKind.objects.get(slug="rasporyazhenie")
    data = dict(
        kind=kind, authority=municipality, number="137-р", date_signed=dt.date(2022, 3, 15), title="О площадках"
    )
    services.document_create(actor=office, **data)
    with pytest.raises(ValidationError) as error:
        services.document_create(actor=office, **{**data, "number": "137-Р"})
    assert "уже есть в реестре" in " ".join(error.value.messages)


def test_a_coordinator_cannot_register_documents(coordinator_a, municipality):
    kind = DocumentKind.objects.get(slug="prikaz")
    with pytest.raises(PermissionDenied):
        services.document_create(
            actor=coordinator_a,
            kind=kind,
            authority=municipality,
            number="1",
            date_signed=dt.date(2024, 1, 1),
            title="О",
        )


def test_the_requisites_line_is_in_the_usual_russian_form(municipality):
    document = DocumentFactory(
        authority=municipality,
        authority_genitive="Управления образования администрации города Троицка",
        number="137-р",
        date_signed=dt.date(2022, 3, 15),
        title="О создании опорных площадок по внедрению бережливых технологий",
    )
    assert document.requisites == (
        "Распоряжение Управления образования администрации города Троицка от 15.03.2022 № 137-р "
        "«О создании опорных площадок по внедрению бережливых технологий»"
    )


def test_deleting_a_file_removes_its_text_from_the_search_and_its_stored_editions(
    municipality, stored_files, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from documents.models import Document
    from tests.documents.factories import docx_bytes

    document = DocumentFactory(authority=municipality, title="О плане")
    with django_capture_on_commit_callbacks(execute=True):
        document_file = services.document_file_add(
            actor=None,
            document=document,
            title="Приложение",
            upload=ContentFile(docx_bytes("мониторинг"), name="a.docx"),
        )
    assert Document.objects.search("мониторинг").exists()
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.document_file_delete(actor=None, document_file=document_file)
    assert not Document.objects.search("мониторинг").exists()
    assert stored_files() == []


def test_office_puts_a_draft_into_force_from_the_admin_list(client, office, municipality):
    document = DocumentFactory(authority=municipality, status=DocumentStatus.DRAFT)
    client.force_login(office)
    response = client.post(
        "/admin/documents/document/",
        {"action": "put_in_force", "_selected_action": [document.pk]},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_FORCE
    assert document.history.first().history_user == office


def test_a_relation_note_is_changed_by_office_staff_with_history_and_the_status_stays(office, old_order, new_order):
    relation = services.relation_add(actor=office, source=new_order, kind=RelationKind.REPEALS, target=old_order)
    services.relation_update_note(actor=office, relation=relation, note="в части пункта 3")
    relation.refresh_from_db()
    assert relation.note == "в части пункта 3"
    last = relation.history.first()
    assert last.history_user == office
    assert last.note == "в части пункта 3"
    old_order.refresh_from_db()
    assert old_order.status == DocumentStatus.REPEALED


def test_a_coordinator_cannot_change_a_relation_note(coordinator_a, old_order, new_order):
    relation = services.relation_add(actor=None, source=new_order, kind=RelationKind.IMPLEMENTS, target=old_order)
    with pytest.raises(PermissionDenied):
        services.relation_update_note(actor=coordinator_a, relation=relation, note="чужая заметка")
    relation.refresh_from_db()
    assert relation.note == ""
