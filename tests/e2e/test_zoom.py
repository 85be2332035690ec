"""Phones and 200 % zoom (issue 11, item 6) and the high-contrast version
(item 8) in a real Chromium, on the demo data:
every main public page fits a 640 px wide viewport without horizontal
scrolling (WCAG 1.4.10, Government Resolution No. 102 of 07.02.2026), the main
menu is one «Меню» row that opens without JavaScript, chart labels keep a
readable size on a 390 px phone, and in the version for the visually impaired
every text reaches 7:1 (axe-core's ``color-contrast-enhanced``)."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

from documents.models import Document
from indicators.models import Indicator
from projects.models import Project, ProjectStatus
from proposals.models import Proposal, Status, hash_token
from tests.e2e.axe import enhanced_contrast_violations, serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def main_pages() -> list[str]:
    document = Document.objects.order_by("pk").first()
    project = Project.objects.public().order_by("pk").first()
    indicator = Indicator.objects.entered().order_by("sort_order").first()
    computed = Indicator.objects.computed().order_by("sort_order").first()
    pages = [
        "/",
        "/documents/",
        f"/documents/{document.pk}/",
        "/pilot-sites/",
        "/projects/",
        "/indicators/",
        f"/indicators/{indicator.code}/",
        f"/indicators/{computed.code}/numerator/",  # drill-through of a computed figure
        "/proposals/new/",
        f"/proposals/status/{STATUS_TOKEN}/",
        "/proposals/answered/",
        "/privacy/",
        "/opendata/",
        "/accounts/login/",
        "/no-such-page/",  # the 404 page
    ]
    if project is not None:
        pages.insert(5, f"/projects/{project.pk}/")
    return pages


STATUS_TOKEN = "zoom-test-status-token-of-an-answered-proposal-00"


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet_accounts=True)
    # The demo's status tokens are stored only hashed: one answered proposal gets a known one.
    answered = Proposal.objects.filter(status=Status.ANSWERED).order_by("pk").first()
    Proposal.objects.filter(pk=answered.pk).update(token_hash=hash_token(STATUS_TOKEN))


def coordinator_pages() -> list[str]:
    coordinator = get_user_model().objects.get(username="coordinator")
    project = Project.objects.filter(organization__memberships__user=coordinator).order_by("pk")
    draft = project.filter(status=ProjectStatus.DRAFT).first() or project.first()
    return [
        "/cabinet/",
        "/cabinet/projects/new/",
        f"/cabinet/projects/{draft.pk}/",
        f"/cabinet/projects/{draft.pk}/edit/",
        "/indicators/entry/",
        "/indicators/due/",
    ]


def sign_in(page, username: str) -> None:
    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base_url}]
    )


@pytest.fixture
def zoomed(browser, live_server):
    """A 1,280 px screen at 200 % zoom: 640 CSS pixels wide."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 640, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.base_url = live_server.url
    yield page
    context.close()


def overflow(page) -> int:
    """How far the page reaches beyond the viewport's width (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_main_pages_fit_640_px_and_the_menu_opens_without_javascript(zoomed, browser, live_server, demo):
    page = zoomed
    too_wide = {}
    for path in main_pages():
        page.goto(page.base_url + path)
        if overflow(page) > 0:
            too_wide[path] = overflow(page)
    assert too_wide == {}

    # a coordinator's cabinet at the same zoom
    sign_in(page, "coordinator")
    for path in coordinator_pages():
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        if overflow(page) > 0:
            too_wide[path] = overflow(page)
    assert too_wide == {}
    page.context.clear_cookies()

    # the menu is one row, closed, and opens with a click on «Меню» (no script needed)
    page.goto(page.base_url + "/")
    nav = page.get_by_role("navigation", name="Главное меню")
    assert nav.bounding_box()["height"] < 60
    documents = nav.get_by_role("link", name="Документы")
    assert not documents.is_visible()
    nav.get_by_text("Меню", exact=True).click()
    assert documents.is_visible()
    documents.click()
    page.wait_for_url("**/documents/")

    no_script = browser.new_context(locale="ru-RU", viewport={"width": 640, "height": 800}, java_script_enabled=False)
    bare = no_script.new_page()
    bare.goto(live_server.url + "/")
    bare.get_by_role("navigation", name="Главное меню").get_by_text("Меню", exact=True).click()
    assert bare.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Документы").is_visible()
    no_script.close()


def test_chart_labels_are_readable_on_a_phone(browser, live_server, demo):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    indicator = Indicator.objects.entered().order_by("sort_order").first()
    for path in ("/indicators/", f"/indicators/{indicator.code}/"):
        page.goto(live_server.url + path)
        heights = page.eval_on_selector_all(
            ".chart svg text", "texts => texts.map(t => t.getBoundingClientRect().height)"
        )
        assert heights, path
        assert min(heights) >= 11, (path, min(heights))  # drawn at 12 px, never scaled down
        assert overflow(page) == 0, path  # the chart scrolls inside its frame, not the page
        assert serious_violations(page) == [], path  # the scrolling frame is reachable by keyboard
    context.close()


def test_high_contrast_version_reaches_7_to_1_on_every_main_page(page, demo):
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="Версия для слабовидящих").click()
    assert "a11y-contrast" in page.locator("body").get_attribute("class")
    found = {}
    for path in main_pages():
        page.goto(page.base_url + path)
        problems = enhanced_contrast_violations(page)
        if problems:
            found[path] = problems
    assert not found, "\n".join(f"{path}: {problems}" for path, problems in found.items())
