"""Indicators in a real Chromium: a coordinator enters and submits, the office
approves in the admin, an official downloads the official table; axe checks."""

import io

import pytest
from openpyxl import load_workbook

from indicators.models import Period, Value, ValueStatus
from leanedu.roles import Role
from tests.e2e.axe import serious_violations
from tests.factories import user_with_role
from tests.indicators.factories import quarter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def log_in(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # each role lands where it works (tests/leanedu/test_landing.py)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page):
    page.get_by_role("button", name="Выйти").click()


def test_enter_submit_approve_and_download(page, school_a, municipality, indicators, periods):
    trained, share, waiting = indicators
    q1, year = quarter(2025, 1), Period.from_code("2025")
    user_with_role(Role.COORDINATOR, school_a, username="coord")
    user_with_role(Role.OFFICE, municipality, username="staff")
    user_with_role(Role.OFFICIAL, municipality, username="chief")

    log_in(page, "coord")
    page.goto(f"{page.base_url}/indicators/entry/?organization={school_a.pk}&period={q1.pk}")
    page.get_by_label(trained.name).fill("7")
    page.get_by_label(share.name).fill("45,5")
    page.get_by_label(waiting.name).fill("12")
    page.get_by_role("button", name="Отправить на проверку").click()
    assert page.get_by_text("Значения отправлены на проверку.").is_visible()
    assert Value.objects.filter(status=ValueStatus.SUBMITTED).count() == 3
    log_out(page)

    log_in(page, "staff")
    page.goto(page.base_url + "/admin/indicators/value/?status__exact=submitted")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("approve_selected")
    page.get_by_role("button", name="Выполнить").click()
    page.wait_for_load_state()
    assert Value.objects.filter(status=ValueStatus.APPROVED).count() == 3
    log_out(page)

    log_in(page, "chief")
    page.goto(f"{page.base_url}/reports/?period={year.pk}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Официальный отчёт (XLSX)").click()
    assert info.value.suggested_filename == "Отчёт о целевых показателях 2025.xlsx"
    with open(info.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    rows = [[c.value for c in row] for row in workbook["Отчёт"].iter_rows(min_row=7, max_col=8)]
    first = [n for n, row in enumerate(rows) if row[2] == school_a.short_name][0]
    assert rows[first + 1][:4] == [1, trained.code, trained.name, "чел."] and rows[first + 1][6] == 7
    assert rows[first + 2][2] == share.name and rows[first + 2][6] == 45.5
    assert rows[first + 3][2] == waiting.name and rows[first + 3][6] == 12


def test_no_serious_violations_on_the_dashboard_and_indicator_page(page, reported, indicators, year_2025):
    page.goto(f"{page.base_url}/indicators/?period={year_2025.pk}")
    assert page.locator("svg[role=img] title").count() >= 1
    assert serious_violations(page) == []
    page.goto(f"{page.base_url}/indicators/{indicators[0].code}/?period={year_2025.pk}")
    assert serious_violations(page) == []


def test_no_serious_violations_on_the_reports_and_entry_pages(page, reported, year_2025, school_a, municipality):
    user_with_role(Role.OFFICE, municipality, username="staff")
    log_in(page, "staff")
    page.goto(f"{page.base_url}/reports/?period={year_2025.pk}")
    assert serious_violations(page) == []
    log_out(page)
    user_with_role(Role.COORDINATOR, school_a, username="coord")
    log_in(page, "coord")
    page.goto(f"{page.base_url}/indicators/entry/")
    assert serious_violations(page) == []


def test_dashboard_in_the_version_for_the_visually_impaired(page, reported, year_2025):
    page.goto(f"{page.base_url}/indicators/?period={year_2025.pk}")
    page.get_by_role("button", name="Версия для слабовидящих").click()
    assert page.locator("svg[role=img]").first.is_visible()
    assert serious_violations(page) == []
