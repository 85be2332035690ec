"""«Решаем вместе» in a real Chromium: a parent on a phone sends a proposal,
the office answers in the admin, the status page shows the answer."""

import re

import pytest

from leanedu.roles import Role
from tests.e2e.axe import serious_violations
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def proposal_settings(settings, tmp_path):
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.PROPOSALS_MIN_FILL_SECONDS = 0


@pytest.fixture
def school():
    municipality = MunicipalityFactory(parent=RegionFactory())
    return SchoolFactory(short_name="МОУ «СОШ № 13»", parent=municipality)


def test_parent_sends_a_proposal_from_a_phone_and_reads_the_answer(phone_page, browser, school):
    page = phone_page
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("Ваше имя").fill("Анна Иванова")
    page.get_by_role("textbox", name=re.compile("^Электронная почта")).fill("anna@example.org")
    page.get_by_label("Родитель (законный представитель)").check()
    page.get_by_label("Школа или детский сад").select_option(label="МОУ «СОШ № 13»")
    page.get_by_label("Тема").select_option(label="Питание")
    page.get_by_label("Ваше предложение").fill("Предлагаю вывешивать меню столовой на неделю вперёд.")
    page.get_by_label("Я согласен(на) на обработку").check()
    page.get_by_label("Я согласен(на), чтобы моё предложение").check()
    page.get_by_role("button", name="Отправить предложение").click()

    page.wait_for_url("**/proposals/new/thanks/")
    number = re.search(r"РВ-\d{4}-\d{5}", page.content()).group(0)
    page.get_by_role("link", name="Открыть страницу статуса").click()
    page.wait_for_url("**/proposals/status/**")
    status_url = page.url
    assert page.locator("#proposal-status").inner_text() == "Поступило"
    assert "anna@example.org" not in page.content()

    # the office answers in the admin
    user_with_role(Role.OFFICE, school.parent, username="office")
    staff = browser.new_context(locale="ru-RU").new_page()
    staff.set_default_timeout(15000)
    staff.goto(page.base_url + "/admin/login/")
    staff.get_by_label("Имя пользователя").fill("office")
    staff.get_by_label("Пароль").fill("correct-horse-battery")
    staff.get_by_role("button", name="Войти").click()
    staff.goto(page.base_url + "/admin/proposals/proposal/")
    staff.get_by_role("link", name=number).click()
    staff.get_by_role("link", name="Ответить").click()
    staff.get_by_label("Текст ответа").fill("Спасибо! Меню публикуется на сайте школы с понедельника.")
    staff.get_by_role("button", name="Ответить").click()
    staff.wait_for_url("**/change/")
    assert "Дан ответ" in staff.content()
    staff.context.close()

    page.goto(status_url)
    assert page.locator("#proposal-status").inner_text() == "Дан ответ"
    assert "Меню публикуется на сайте школы" in page.locator("#proposal-answer").inner_text()
    assert serious_violations(page) == []

    page.goto(page.base_url + "/proposals/answered/")
    assert "Меню публикуется на сайте школы" in page.content()
    assert "Анна Иванова" not in page.content() and "anna@example.org" not in page.content()
    assert serious_violations(page) == []


def test_form_with_errors_is_accessible_and_works_by_keyboard(page, school):
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_role("button", name="Отправить предложение").focus()
    page.keyboard.press("Enter")  # keyboard only, nothing filled in
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "В форме" in summary.inner_text() and "ошиб" in summary.inner_text()
    # the summary has the focus: read first, one Tab from its first link
    assert page.evaluate("document.activeElement.id") == "error-summary"
    name = page.get_by_label("Ваше имя")
    assert name.get_attribute("aria-invalid") == "true"
    assert "id_author_name_error" in name.get_attribute("aria-describedby")
    # the summary links move to the field
    summary.get_by_role("link", name=re.compile("Ваше имя")).click()
    assert page.evaluate("document.activeElement.id") == "id_author_name"
    assert serious_violations(page) == []


def test_form_has_no_serious_violations_on_a_phone(phone_page, school):
    phone_page.goto(phone_page.base_url + "/proposals/new/")
    assert serious_violations(phone_page) == []
    # the honeypot is moved out of sight by the stylesheet, not by an inline style
    box = phone_page.locator("#id_website").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    # the page fits a phone screen: no sideways scrolling
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
