"""The whole review cycle of a lean project in a real Chromium: the
coordinator creates and submits, the office returns it with a comment in the
admin, the coordinator fixes and resubmits, the office approves, the public
sees it. axe-core checks the showcase, the card and the cabinet."""

import re

import pytest

from leanedu.roles import Role
from tests.e2e.axe import serious_violations
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def people(db):
    region = RegionFactory()
    municipality = MunicipalityFactory(parent=region, short_name="Управление образования г. Троицка")
    school = SchoolFactory(parent=municipality, short_name="МАОУ «СОШ № 13»")
    coordinator = user_with_role(Role.COORDINATOR, school, username="marina")
    office = user_with_role(Role.OFFICE, municipality, username="olga")
    return coordinator, office


def sign_in(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # each role lands where it works (tests/leanedu/test_landing.py)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def admin_action(page, base_url, title, action_label, comment):
    page.goto(base_url + "/admin/projects/submittedproject/")
    row = page.locator("#result_list tr", has_text=title)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.locator("button[name=index], input[name=index], .actions button[type=submit]").first.click()
    page.locator("textarea[name=comment]").fill(comment)
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(re.compile(r".*/admin/projects/submittedproject/.*"))


def test_review_cycle(page, browser, people):
    title = "Утренний вход в школу без очереди"
    sign_in(page, "marina")

    page.goto(page.base_url + "/cabinet/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Новый проект").click()
    page.fill("[name=title]", title)
    page.fill("[name=problem]", "С 7:45 до 8:00 у турникетов очередь, дети опаздывают.")
    page.fill("[name=goal]", "Ждать у входа не больше 3 минут.")
    page.fill("[name=leader]", "Иванов Сергей Петрович, заместитель директора")
    page.fill("[name=planned_start]", "2026-01-12")
    page.fill("[name=planned_end]", "2026-05-29")
    for i, (name, unit, before, goal) in enumerate(
        [("Время ожидания", "мин", "12", "3"), ("Опоздания", "случаев", "46", "10")]
    ):
        page.fill(f"[name=metrics-{i}-name]", name)
        page.fill(f"[name=metrics-{i}-unit]", unit)
        page.fill(f"[name=metrics-{i}-baseline_value]", before)
        page.fill(f"[name=metrics-{i}-target_value]", goal)
    page.fill("[name=team-0-name]", "Иванов С. П.")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Черновик сохранён").wait_for()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Отправить в проектный офис").click()
    page.get_by_text("Проект отправлен в проектный офис").wait_for()
    cabinet_url = page.url

    staff = browser.new_context(locale="ru-RU").new_page()
    staff.goto(page.base_url + "/admin/login/")
    staff.fill("#id_username", "olga")
    staff.fill("#id_password", PASSWORD)
    staff.locator("input[type=submit]").click()
    staff.wait_for_url(re.compile(r".*/admin/$"))
    admin_action(
        staff,
        page.base_url,
        title,
        "Вернуть выбранные проекты на доработку",
        "Добавьте хронометраж текущего состояния.",
    )

    page.goto(cabinet_url)
    page.get_by_text("Добавьте хронометраж текущего состояния.").first.wait_for()
    page.get_by_role("link", name="Изменить паспорт").click()
    page.fill("[name=goal]", "Ждать у входа не больше 3 минут к 1 марта 2026 года (хронометраж приложен).")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Изменения сохранены").wait_for()
    page.get_by_role("button", name="Отправить в проектный офис").click()
    page.get_by_text("Проект отправлен в проектный офис").wait_for()

    admin_action(staff, page.base_url, title, "Одобрить выбранные проекты", "")
    staff.context.close()

    public = browser.new_context(locale="ru-RU").new_page()
    public.goto(page.base_url + "/projects/")
    assert serious_violations(public) == []
    public.get_by_role("link", name=title).click()
    public.get_by_role("heading", name=title).wait_for()
    assert public.get_by_text("Время ожидания").is_visible()
    assert serious_violations(public) == []
    public.context.close()


def test_draft_is_not_in_the_showcase(page, people):
    from projects.models import Project

    coordinator, _office = people
    Project.objects.create(organization=coordinator.memberships.get().organization, title="Тайный черновик")
    page.goto(page.base_url + "/projects/")
    assert page.get_by_text("Тайный черновик").count() == 0
    assert page.get_by_text("Опубликованных проектов пока нет").is_visible()
