"""The search box: Russian morphology, ё/е, case, numbers and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from documents import services
from documents.models import Document
from tests.documents.factories import DocumentFactory, DocumentKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(municipality, region):
    prikaz = DocumentKindFactory(slug="prikaz")
    return {
        "lean": DocumentFactory(
            kind=prikaz,
            authority=region,
            number="0172488",
            date_signed=dt.date(2021, 9, 30),
            title="О внедрении бережливых технологий в системе образования Челябинской области",
        ),
        "pilot": DocumentFactory(
            authority=municipality,
            number="137-р",
            date_signed=dt.date(2022, 3, 15),
            title="О создании опорных площадок по внедрению бережливых технологий",
        ),
        "records": DocumentFactory(
            authority=municipality,
            number="12",
            date_signed=dt.date(2022, 4, 1),
            title="Об организации учёта посещаемости обучающихся",
        ),
        "plain": DocumentFactory(
            authority=municipality,
            number="201/1",
            date_signed=dt.date(2023, 1, 10),
            title="Об учете питания в детских садах",
            summary="Порядок ведения табеля питания.",
        ),
    }


def found(query: str) -> list[str]:
    return list(Document.objects.search(query).values_list("number", flat=True))


@pytest.mark.parametrize("query", ["внедрение", "внедрении", "внедрения", "ВНЕДРЕНИЕ", "Внедрения"])
def test_every_form_of_a_word_finds_the_document(registry, query):
    assert set(found(query)) == {"0172488", "137-р"}


@pytest.mark.parametrize("query", ["технология", "технологий", "ТЕХНОЛОГИИ", "бережливая технология"])
def test_singular_and_plural_find_the_same_documents(registry, query):
    assert set(found(query)) == {"0172488", "137-р"}


def test_a_phrase_in_another_case_finds_the_title(registry):
    assert found("внедрение бережливой технологии в системе образования") == ["0172488"]


@pytest.mark.parametrize("query", ["опорная площадка", "опорные площадки", "Опорной площадкой"])
def test_pilot_site_in_any_form_finds_the_directive(registry, query):
    assert found(query) == ["137-р"]


@pytest.mark.parametrize("query", ["учёт", "учет", "УЧЁТ"])
def test_yo_and_ye_are_the_same_letter(registry, query):
    assert set(found(query)) == {"12", "201/1"}


@pytest.mark.parametrize("query", ["137-р", "137-Р", "№ 137-р", "№137-р"])
def test_a_registry_number_finds_its_document(registry, query):
    assert found(query) == ["137-р"]


def test_a_number_with_a_slash_and_a_long_number(registry):
    assert found("201/1") == ["201/1"]
    assert found("0172488") == ["0172488"]


def test_a_date_finds_the_documents_signed_that_day(registry):
    assert found("15.03.2022") == ["137-р"]
    assert found("30.09.2021") == ["0172488"]


def test_words_and_a_year_narrow_together(registry):
    assert found("внедрение 2022") == ["137-р"]


def test_words_that_match_nothing_find_nothing(registry):
    assert found("космонавтика") == []
    assert found("31.02.2022") == []  # not a date: searched as a number


def test_title_matches_rank_above_file_text_matches(
    registry, municipality, docx_upload, django_capture_on_commit_callbacks
):
    in_text = DocumentFactory(authority=municipality, number="77", title="О плане работы на год")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_file_add(
            actor=None, document=in_text, title="Текст", upload=docx_upload("Создать опорные площадки в школах.")
        )
    assert found("опорная площадка") == ["137-р", "77"]


def test_file_text_is_searched_and_highlighted(municipality, docx_upload, django_capture_on_commit_callbacks):
    document = DocumentFactory(authority=municipality, title="О плане работы на год")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_file_add(
            actor=None,
            document=document,
            title="Текст",
            upload=docx_upload("Назначить ответственных за картирование потока создания ценности."),
        )
    hit = Document.objects.search("картирования потоков").get()
    assert hit == document
    assert "⟦картирование⟧ ⟦потока⟧" in hit.headline


def test_the_list_page_shows_ranked_results_with_highlighted_words(client, registry):
    response = client.get("/documents/", {"q": "опорная площадка"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "О создании опорных площадок по внедрению бережливых технологий" in html
    assert "О внедрении бережливых технологий в системе образования Челябинской области" not in html
    assert "Найден 1 документ" in html


def test_highlighted_fragments_carry_no_markup_from_the_text(client, municipality):
    DocumentFactory(authority=municipality, title="О площадках", summary="<script>alert(1)</script> опорные площадки")
    html = client.get("/documents/", {"q": "площадка"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<mark>площадки</mark>" in html


@pytest.mark.parametrize(
    "query", ["'", "\\", ":*", "a & b | !c", "((", "№", "-", "о", "O'Брайен", "x" * 500, "1/2/3/4"]
)
def test_odd_input_never_breaks_the_page(client, registry, query):
    assert client.get("/documents/", {"q": query}).status_code == 200


def test_a_number_also_finds_documents_citing_it_after_the_document_itself(registry, municipality):
    DocumentFactory(
        authority=municipality,
        number="140-р",
        date_signed=dt.date(2022, 9, 1),
        title="О составе опорных площадок",
        summary="Во исполнение распоряжения № 137-р утвердить список школ.",
    )
    assert found("137-р") == ["137-р", "140-р"]
