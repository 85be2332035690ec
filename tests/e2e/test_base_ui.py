"""The base UI in a real Chromium: accessibility mode and axe checks."""

import pytest

from tests.e2e.axe import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_accessibility_mode_is_switched_on_and_kept_on_the_next_page(page):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_role("button", name="Версия для слабовидящих").click()
    assert "a11y-contrast" in page.locator("body").get_attribute("class")
    page.get_by_role("button", name="Увеличить шрифт").click()
    assert "a11y-text-2" in page.locator("body").get_attribute("class")

    page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Документы").click()
    page.wait_for_url("**/documents/")
    classes = page.locator("body").get_attribute("class")
    assert "a11y-contrast" in classes and "a11y-text-2" in classes

    page.get_by_role("button", name="Обычная версия").click()
    assert "a11y" not in (page.locator("body").get_attribute("class") or "")


def test_skip_link_moves_focus_to_the_content(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Перейти к основному содержанию" in focused


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_no_serious_accessibility_violations(page, path):
    page.goto(page.base_url + path)
    assert serious_violations(page) == []


def test_no_serious_violations_in_high_contrast_mode(page):
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="Версия для слабовидящих").click()
    assert serious_violations(page) == []


def test_login_page_signs_a_user_in(page, django_user_model):
    django_user_model.objects.create_user("teacher", password="correct-horse-battery")
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Имя пользователя").fill("teacher")
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("button", name="Выйти").is_visible()
