"""Internal documents: who sees them, on the list, the page and the files."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from documents import services
from documents.models import Document
from tests.documents.factories import DocumentFactory, docx_bytes

pytestmark = pytest.mark.django_db

# role fixture -> which internal documents it sees
EXPECTED = {
    "anonymous": set(),
    "coordinator_a": {"local", "regional"},
    "official": {"local", "regional"},
    "regional_official": {"local", "regional", "elsewhere"},
    "office": {"local", "regional", "elsewhere"},
    "office_admin": {"local", "regional", "elsewhere"},
}


@pytest.fixture
def documents(region, municipality, other_municipality, school_a):
    return {
        "public": DocumentFactory(authority=municipality, title="Открытое распоряжение о графике", is_public=True),
        "local": DocumentFactory(authority=municipality, title="Внутреннее распоряжение Троицка", is_public=False),
        "regional": DocumentFactory(authority=region, title="Внутренний приказ министерства", is_public=False),
        "elsewhere": DocumentFactory(
            authority=other_municipality, title="Внутреннее распоряжение Пласта", is_public=False
        ),
    }


@pytest.mark.parametrize("role", EXPECTED)
def test_visible_to_follows_the_role(request, documents, role):
    user = request.getfixturevalue(role)
    visible = set(Document.objects.visible_to(user).values_list("pk", flat=True))
    expected = {"public"} | EXPECTED[role]
    assert visible == {documents[key].pk for key in expected}


@pytest.mark.parametrize("role", EXPECTED)
def test_list_and_pages_show_only_what_the_role_may_see(request, client, documents, role):
    user = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(user)
    html = client.get("/documents/").content.decode()
    for key, document in documents.items():
        may_see = key == "public" or key in EXPECTED[role]
        assert (document.title in html) is may_see, key
        status = client.get(document.get_absolute_url()).status_code
        assert status == (200 if may_see else 404), key


def test_search_does_not_reveal_internal_documents(client, documents):
    html = client.get("/documents/", {"q": "внутреннее распоряжение"}).content.decode()
    assert "Внутреннее распоряжение Троицка" not in html
    assert "Найдено 0 документов" in html


def test_a_file_of_an_internal_document_is_not_served_to_a_visitor(client, documents, official):
    document_file = services.document_file_add(
        actor=None,
        document=documents["local"],
        title="Текст",
        upload=ContentFile(docx_bytes("Служебная информация"), name="internal.docx"),
    )
    version = document_file.versions.get()
    url = f"/documents/{documents['local'].pk}/files/{version.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(official)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_a_file_is_only_served_under_its_own_document(client, documents):
    document_file = services.document_file_add(
        actor=None,
        document=documents["local"],
        title="Текст",
        upload=ContentFile(docx_bytes("Служебная информация"), name="internal.docx"),
    )
    version = document_file.versions.get()
    # The public document's address with the internal file's id: still a 404.
    assert client.get(f"/documents/{documents['public'].pk}/files/{version.pk}/").status_code == 404


def test_relations_to_internal_documents_are_hidden_from_visitors(client, documents):
    services.relation_add(actor=None, source=documents["local"], kind="implements", target=documents["public"], note="")
    html = client.get(documents["public"].get_absolute_url()).content.decode()
    assert "Внутреннее распоряжение Троицка" not in html
