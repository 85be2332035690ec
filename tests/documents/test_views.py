"""The public list and page: filters, sorting, paging and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from documents import services
from documents.models import DocumentStatus, RelationKind
from tests.documents.factories import DocumentFactory, DocumentKindFactory, TagFactory, docx_bytes

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [doc.title for doc in response.context["page"].object_list]


@pytest.fixture
def mixed(region, municipality):
    tag = TagFactory(name="опорные площадки", slug="opornye-ploshchadki")
    prikaz = DocumentKindFactory(slug="prikaz")
    a = DocumentFactory(kind=prikaz, authority=region, date_signed=dt.date(2021, 9, 30), title="Альфа")
    b = DocumentFactory(authority=municipality, date_signed=dt.date(2022, 3, 15), title="Бета")
    c = DocumentFactory(
        authority=municipality, date_signed=dt.date(2022, 5, 1), title="Гамма", status=DocumentStatus.REPEALED
    )
    b.tags.add(tag)
    return a, b, c


def test_the_list_is_newest_first(client, mixed):
    assert titles(client.get("/documents/")) == ["Гамма", "Бета", "Альфа"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "prikaz"}, ["Альфа"]),
        ({"year": "2022"}, ["Гамма", "Бета"]),
        ({"status": "repealed"}, ["Гамма"]),
        ({"tag": "opornye-ploshchadki"}, ["Бета"]),
        ({"sort": "title"}, ["Альфа", "Бета", "Гамма"]),
        ({"sort": "date"}, ["Альфа", "Бета", "Гамма"]),
    ],
)
def test_filters_and_sorting(client, mixed, params, expected):
    assert titles(client.get("/documents/", params)) == expected


def test_filter_by_authority(client, mixed, region):
    assert titles(client.get("/documents/", {"authority": region.pk})) == ["Альфа"]


def test_the_list_is_paginated_and_keeps_the_filters(client, municipality):
    DocumentFactory.create_batch(25, authority=municipality, title="О графике дежурств")
    first = client.get("/documents/", {"q": "график"})
    html = first.content.decode()
    assert len(titles(first)) == 20
    assert "Страница 1 из 2" in html
    assert "q=%D0%B3%D1%80%D0%B0%D1%84%D0%B8%D0%BA&amp;page=2" in html
    assert len(titles(client.get("/documents/", {"q": "график", "page": 2}))) == 5


def test_an_unknown_document_is_a_404(client, db):
    assert client.get("/documents/999999/").status_code == 404


def test_the_detail_page_shows_requisites_files_and_status(client, municipality):
    document = DocumentFactory(
        authority=municipality,
        authority_genitive="Управления образования администрации города Троицка",
        number="137-р",
        date_signed=dt.date(2022, 3, 15),
        title="О создании опорных площадок по внедрению бережливых технологий",
    )
    services.document_file_add(
        actor=None, document=document, title="Текст распоряжения", upload=ContentFile(docx_bytes("т"), name="r.docx")
    )
    html = client.get(document.get_absolute_url()).content.decode()
    assert (
        "Распоряжение Управления образования администрации города Троицка от 15.03.2022 № 137-р "
        "«О создании опорных площадок по внедрению бережливых технологий»"
    ) in html
    assert "Текст распоряжения" in html
    assert "Действует" in html


def grow(authority, n: int, files: bool = True) -> None:
    """n more documents, each with a tag, a relation and (optionally) a file."""
    tag = TagFactory()
    previous = None
    for _ in range(n):
        document = DocumentFactory(
            authority=authority, title="О внедрении бережливых технологий", summary="опорная площадка"
        )
        document.tags.add(tag)
        if files:
            services.document_file_add(
                actor=None, document=document, title="Текст", upload=ContentFile(docx_bytes("т"), name="t.docx")
            )
        if previous is not None:
            services.relation_add(actor=None, source=document, kind=RelationKind.IMPLEMENTS, target=previous)
        previous = document


@pytest.mark.parametrize(
    "url", ["/documents/", "/documents/?q=внедрение+технологии", "/documents/?q=137-р", "/documents/?sort=title"]
)
@pytest.mark.parametrize("role", ["anonymous", "coordinator_a", "office"])
def test_list_and_search_query_counts_do_not_grow(
    request, client, municipality, django_assert_max_num_queries, url, role
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    grow(municipality, 3, files=False)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    grow(municipality, 40, files=False)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_detail_query_count_does_not_grow_with_files_and_relations(client, municipality, django_assert_max_num_queries):
    document = DocumentFactory(authority=municipality)
    grow(municipality, 2)
    with django_assert_max_num_queries(10):
        assert client.get(document.get_absolute_url()).status_code == 200
    for i in range(10):
        services.document_file_add(
            actor=None, document=document, title=f"Приложение {i}", upload=ContentFile(docx_bytes("т"), name="a.docx")
        )
        other = DocumentFactory(authority=municipality)
        services.relation_add(actor=None, source=other, kind=RelationKind.AMENDS, target=document)
        services.relation_add(actor=None, source=document, kind=RelationKind.IMPLEMENTS, target=other)
    with django_assert_max_num_queries(10):
        response = client.get(document.get_absolute_url())
    assert response.content.decode().count("Приложение") == 10
