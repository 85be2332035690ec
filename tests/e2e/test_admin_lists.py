"""The office's three busiest lists fit a 1,280 px screen in a real browser:
the proposals triage queue, the project review queue and the indicator values."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from leanedu.roles import Role
from projects.models import ProjectStatus
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory, user_with_role
from tests.indicators.factories import IndicatorFactory, ValueFactory
from tests.projects.factories import ProjectFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG = (
    "Предлагаю навести порядок в методическом кабинете по системе 5S: материалы трудно найти, "
    "папки стоят в три ряда, а каталога нет — учителя тратят перемены на поиски."
)


@pytest.fixture
def office_page(page, live_server):
    region = RegionFactory()
    municipality = MunicipalityFactory(parent=region, short_name="Управление образования г. Троицка")
    schools = [
        SchoolFactory(parent=municipality, short_name=f"МДОУ «Центр развития ребёнка — детский сад № {n}»")
        for n in range(1, 4)
    ]
    office = user_with_role(Role.OFFICE, municipality, username="olga", first_name="Ольга", last_name="Петрова")
    for school in schools:
        ProposalFactory(organization=school, text=LONG, assignee=office)
        ProjectFactory(
            organization=school,
            title="Приём документов в первый класс без очередей и повторных визитов родителей",
            status=ProjectStatus.SUBMITTED,
        )
    indicator = IndicatorFactory(
        code="BT-01", name="Число образовательных организаций, внедряющих бережливые технологии"
    )
    for school in schools:
        ValueFactory(indicator=indicator, organization=school)
    session = SessionStore()
    session[SESSION_KEY] = str(office.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = office.get_session_auth_hash()
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize(
    "path", ["/admin/proposals/proposal/", "/admin/projects/submittedproject/", "/admin/indicators/value/"]
)
def test_the_list_fits_a_1280_px_screen(office_page, path):
    office_page.goto(office_page.base_url + path)
    assert office_page.viewport_size["width"] == 1280
    assert office_page.evaluate("document.documentElement.scrollWidth") <= 1280
    table, area = office_page.evaluate(
        "[document.querySelector('#result_list').scrollWidth, document.querySelector('.results').clientWidth]"
    )
    assert table <= area, f"the table is {table} px wide in a {area} px area: it scrolls sideways"


def test_the_triage_queue_shows_the_deadline_and_the_assignee_by_name(office_page):
    office_page.goto(office_page.base_url + "/admin/proposals/proposal/")
    headers = office_page.locator("#result_list thead").inner_text().lower()
    assert "контроль срока" in headers
    assert "Ольга Петрова" in office_page.locator("#result_list tbody").inner_text()


def test_the_three_lists_fit_1280_px_on_the_demo_data(page, live_server):
    """The same three lists on the demo data, signed in as the demo's office
    staff; the widths are printed for the closing note (run with -s)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", quiet_accounts=True)
    office = get_user_model().objects.get(username="office")
    session = SessionStore()
    session[SESSION_KEY] = str(office.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = office.get_session_auth_hash()
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    lists = {
        "proposals triage": "/admin/proposals/proposal/",
        "project review queue": "/admin/projects/submittedproject/",
        "indicator values": "/admin/indicators/value/",
    }
    too_wide = {}
    for name, path in lists.items():
        page.goto(page.base_url + path)
        assert page.viewport_size["width"] == 1280
        document, table, area, rows = page.evaluate(
            "[document.documentElement.scrollWidth, document.querySelector('#result_list').scrollWidth,"
            " document.querySelector('.results').clientWidth, document.querySelectorAll('#result_list tbody tr').length]"
        )
        print(f"{name} ({path}): document {document} px, table {table} px in a {area} px area, {rows} rows")
        assert rows > 0, path
        if document > 1280 or table > area:
            too_wide[path] = (document, table, area)
    assert too_wide == {}
