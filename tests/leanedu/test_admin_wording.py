"""The admin speaks of each model in correct Russian: «Выберите организацию»,
«Добавить опорную площадку», «Удалить выбранных пользователей», «Выбрать все:
14 организаций», «Тема «…» добавлена.» — on the demo data, for every model
registered in the admin."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from documents.models import Tag
from leanedu.wording import noun_for, phrase


@pytest.fixture
def admin_client_ru(demo, db):
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def page_text(response) -> str:
    text = response.content.decode()
    text = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text))


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def pages_of(model, model_admin, user):
    """changelist, add, change, delete, history and export URLs of the model."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    request = RequestFactory().get("/")
    request.user = user
    obj = model_admin.get_queryset(request).order_by("pk").first()
    pages = {"changelist": reverse(f"{prefix}_changelist"), "add": reverse(f"{prefix}_add")}
    if obj is not None:
        for view in ("change", "delete", "history"):
            pages[view] = reverse(f"{prefix}_{view}", args=[obj.pk])
    try:
        pages["export"] = reverse(f"{prefix}_export")
    except NoReverseMatch:
        pass
    return pages


@pytest.mark.parametrize("model", [m for m, _ in registered()], ids=lambda m: m._meta.label)
def test_every_registered_model_declares_its_forms(model):
    noun = noun_for(model)
    assert noun is not None, f"{model._meta.label}: declare `wording = Noun(...)` (leanedu/wording.py)"
    with translation.override("ru"):
        one, few, many = (noun.counted(n) for n in (1, 2, 5))
        assert one.startswith("1 ") and few.startswith("2 ") and many.startswith("5 ")
        words = {one[2:], few[2:], many[2:]}
        assert len(words) == 3, f"{model._meta.label}: three plural forms expected, got {words}"
        assert noun.counted(21)[3:] == one[2:] and noun.counted(14)[3:] == many[2:] and noun.counted(23)[3:] == few[2:]
        assert str(noun.accusative) and str(noun.genitive) and str(noun.selected)


def test_admin_pages_speak_of_each_model_in_its_case(admin_client_ru):
    user = get_user_model().objects.get(username="admin")
    problems = []
    seen = 0
    with translation.override("ru"):
        for model, model_admin in registered():
            noun = noun_for(model)
            nominative = str(model._meta.verbose_name)
            accusative = str(noun.accusative)
            wrong = []
            if nominative.lower() != accusative.lower():
                wrong = [
                    f"{verb} {nominative}" for verb in ("Выберите", "Добавить", "Изменить", "Просмотреть", "удалить")
                ]
            for view, url in pages_of(model, model_admin, user).items():
                response = admin_client_ru.get(url)
                if response.status_code == 302 and view == "history":
                    response = admin_client_ru.get(response["Location"])
                if response.status_code == 403:
                    continue
                if response.status_code != 200:
                    problems.append(f"{url}: HTTP {response.status_code}")
                    continue
                seen += 1
                text = page_text(response)
                for phrase_text in wrong:
                    if phrase_text.lower() in text.lower():
                        problems.append(f"{url}: «{phrase_text}» (nominative where Russian needs the accusative)")
                expected = {
                    "changelist": [phrase(model, "select_change"), phrase(model, "select_view")],
                    "add": [phrase(model, "add")],
                    "change": [phrase(model, "change"), phrase(model, "view")],
                    "delete": [accusative, str(noun.genitive)],
                }.get(view)
                if expected and not any(e in text for e in expected):
                    problems.append(f"{url}: none of {expected}")
                if view == "changelist":
                    total = response.context["cl"].result_count
                    if noun.counted(total) not in text:
                        problems.append(f"{url}: the count is not «{noun.counted(total)}»")
                if view == "changelist" and "Выбрать все" in text:
                    total = response.context["cl"].result_count
                    if phrase(model, "select_all", count=total) not in text:
                        problems.append(f"{url}: «Выбрать все» without «{noun.counted(total)}»")
    assert seen > 80, "the demo data should open most admin pages"
    assert problems == []


def test_delete_selected_is_named_and_counted_in_russian(admin_client_ru):
    first = Tag.objects.create(name="Проверка один", slug="proverka-1")
    second = Tag.objects.create(name="Проверка два", slug="proverka-2")
    url = reverse("admin:documents_tag_changelist")
    page = page_text(admin_client_ru.get(url))
    assert "Удалить выбранные темы" in page
    confirm = admin_client_ru.post(
        url, {"action": "delete_selected", admin.helpers.ACTION_CHECKBOX_NAME: [first.pk, second.pk]}
    )
    assert "Вы уверены, что хотите удалить выбранные темы?" in page_text(confirm)
    done = admin_client_ru.post(
        url,
        {"action": "delete_selected", "post": "yes", admin.helpers.ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
        follow=True,
    )
    assert "Удалено: 2 темы." in page_text(done)
    users = page_text(admin_client_ru.get(reverse("admin:auth_user_changelist")))
    assert "Удалить выбранных пользователей" in users


def test_saved_messages_agree_with_the_gender_of_the_name(admin_client_ru):
    response = admin_client_ru.post(
        reverse("admin:documents_tag_add"), {"name": "Наставничество", "slug": "nastavnichestvo"}, follow=True
    )
    assert "Тема «Наставничество» добавлена." in page_text(response)
    tag = Tag.objects.get(slug="nastavnichestvo")
    response = admin_client_ru.post(
        reverse("admin:documents_tag_change", args=[tag.pk]),
        {"name": "Наставничество в школе", "slug": "nastavnichestvo", "_continue": "1"},
        follow=True,
    )
    text = page_text(response)
    assert "Тема «Наставничество в школе» изменена. Ниже можно продолжить редактирование." in text
    response = admin_client_ru.post(reverse("admin:documents_tag_delete", args=[tag.pk]), {"post": "yes"}, follow=True)
    assert "Тема «Наставничество в школе» удалена." in page_text(response)


def test_values_inside_quotes_do_not_nest_guillemets():
    from leanedu.wording import quoted

    assert quoted("МАОУ «СОШ № 13»") == "«МАОУ „СОШ № 13“»"


# Latin words a reader may meet in a Russian file: codes (BT-01, 2026-Q1),
# addresses, names of formats and standards, and the Roman numerals of
# quarters and half-years («III квартал 2026 года», wording review Y-7).
ALLOWED_LATIN = re.compile(
    r"\S+@\S+|https?://\S+|\b[A-Z]{1,5}-[\w.-]+|\b\d{4}-[A-Z]\d\b|\b(?:5S|TOTP|ID|IP|XLSX|CSV|PDF|DOCX|ODT|Excel)\b"
    r"|\b(?:I|II|III|IV)(?=\s+(?:квартал|полугоди))"
)


def latin_words(text: str) -> list[str]:
    text = ALLOWED_LATIN.sub(" ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def exported_cells(response, extension: str) -> list[str]:
    import csv
    import io

    import openpyxl

    if extension == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = []
    for row in rows:
        for cell in row:
            text = "" if cell is None else str(cell)
            if re.fullmatch(r"[a-z0-9-]+", text):  # a slug: a machine key, not text
                continue
            cells.append(text)
    return cells


def test_every_export_of_the_demo_data_is_in_russian(admin_client_ru):
    from urllib.parse import unquote

    problems = []
    exported = 0
    for model, model_admin in registered():
        if not hasattr(model_admin, "get_export_formats"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        page = admin_client_ru.get(url)
        if page.status_code != 200:
            continue
        form = page.context["form"]
        form_text = " ".join(str(f.label) for f in form.fields.values() if getattr(f, "is_selectable_field", False))
        if latin_words(form_text):
            problems.append(f"{url} form: {sorted(set(latin_words(form_text)))}")
        for index, file_format in enumerate(model_admin.get_export_formats()):
            extension = file_format().get_extension()
            if extension not in ("csv", "xlsx"):
                continue
            data = {"format": str(index), "resource": "0"}
            data.update({name: "on" for name, f in form.fields.items() if getattr(f, "is_selectable_field", False)})
            response = admin_client_ru.post(url, data)
            assert response.status_code == 200, url
            exported += 1
            disposition = unquote(response["Content-Disposition"])
            file_name = disposition.rpartition("''")[2].removesuffix(f".{extension}")
            if not file_name or latin_words(file_name):
                problems.append(f"{url} file name: {disposition}")
            words = sorted({w for cell in exported_cells(response, extension) for w in latin_words(cell)})
            if words:
                problems.append(f"{url} {extension}: {words[:20]}")
    assert exported >= 10
    assert problems == []


# Data and technical terms on admin pages, not interface: file names, MIME
# types, hashes, the password hash summary, a browser's missing User-Agent.
ADMIN_DATA = re.compile(
    r"[\w.-]+\.(?:pdf|jpe?g|png|tiff?|docx?|xlsx|odt|zip)\b|\b(?:image|application|text)/[\w.+-]+"
    r"|\b[0-9a-f]{12,}\b|(?:алгоритм|соль|хеш|хэш|итерации)\s*:\s*\S+|<unknown>|\bunknown\b",
    re.IGNORECASE,
)
# Words inside Django's own Russian text: key names («Control», «Command» on a
# Mac), «Single Sign-On или LDAP» (Django's translation spells it «Sing-On»),
# and the formats and acronyms of the allow-list.
ADMIN_TERMS = {"Control", "Command", "Mac", "Single", "Sing", "Sign", "On", "LDAP", "API", "JPEG", "PNG", "TIFF"}


def test_no_english_on_the_admin_pages(admin_client_ru):
    """The index, every list, add, change and history page of the control panel
    on the demo data: no Latin word outside the allow-list (the log-ins of
    the demo accounts are data, not interface)."""
    user = get_user_model().objects.get(username="admin")
    logins = set(get_user_model().objects.values_list("username", flat=True))
    urls = [reverse("admin:index")]
    for model, model_admin in registered():
        urls += [url for view, url in pages_of(model, model_admin, user).items() if view != "export"]
    problems = {}
    for url in urls:
        response = admin_client_ru.get(url, follow=True)
        if response.status_code != 200:
            continue
        content = re.sub(r'(?s)<td class="field-slug">.*?</td>', " ", response.content.decode())  # URL keys
        text = page_text(type("Page", (), {"content": content.encode()}))
        text = ADMIN_DATA.sub(" ", text)
        words = sorted({w for w in latin_words(text) if w not in logins and w not in ADMIN_TERMS})
        if words:
            problems[url] = words
    assert not problems, "\n".join(f"{url}: {words}" for url, words in problems.items())
