"""Home, login, health check, accessibility switch, error pages."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from leanedu.accessibility import COOKIE_NAME
from leanedu.middleware import DatabaseUnavailableMiddleware

pytestmark = pytest.mark.django_db

SECTION_URLS = [
    "/documents/",
    "/pilot-sites/",
    "/projects/",
    "/indicators/",
    "/proposals/new/",
]
SIGNED_IN_URLS = ["/reports/", "/cabinet/"]


def test_home_is_russian_with_concept_text_and_navigation(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru">' in html
    assert "бережливого производства" in html
    assert 'href="#main"' in html  # skip link
    for url in SECTION_URLS:
        assert f'href="{url}"' in html
    for url in SIGNED_IN_URLS:  # shown only to those who may use them (tests/leanedu/test_landing.py)
        assert f'href="{url}"' not in html
    assert "Политика в отношении обработки персональных данных" in html


@pytest.mark.parametrize("url", SECTION_URLS + SIGNED_IN_URLS + ["/privacy/", "/accounts/login/"])
def test_every_section_answers(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200


def test_unknown_page_is_a_russian_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch, settings):
    """A real connection to a port where nothing listens, not a mock."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    from leanedu import views

    broken = dict(settings.DATABASES["default"], HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 2})
    monkeypatch.setattr(views, "connection", DatabaseWrapper(broken, alias="unreachable"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


def test_database_outage_renders_a_clean_503_page():
    request = RequestFactory().get("/documents/")
    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, OperationalError("could not connect to server")
    )
    assert response.status_code == 503
    assert "временно недоступен" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_accessibility_mode_is_switched_on_and_kept_in_a_cookie(client):
    response = client.post(reverse("accessibility"), {"action": "on", "next": "/documents/"})
    assert response.status_code == 302
    assert response["Location"] == "/documents/"
    assert client.cookies[COOKIE_NAME].value == "1:1:1:0"
    page = client.get("/").content.decode()
    assert "a11y-text-1" in page and "a11y-contrast" in page
    assert "Обычная версия" in page


def test_text_size_has_two_steps_and_images_can_be_hidden(client):
    client.post(reverse("accessibility"), {"action": "on"})
    for _ in range(3):
        client.post(reverse("accessibility"), {"action": "text-bigger"})
    client.post(reverse("accessibility"), {"action": "images-toggle"})
    body = client.get("/").content.decode()
    assert "a11y-text-2" in body and "a11y-no-images" in body
    client.post(reverse("accessibility"), {"action": "off"})
    assert "a11y-text" not in client.get("/").content.decode().split("<body", 1)[1].split(">", 1)[0]


def test_accessibility_switch_never_redirects_off_site(client):
    response = client.post(reverse("accessibility"), {"action": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_accessibility_switch_requires_post(client):
    assert client.get(reverse("accessibility")).status_code == 405


def test_a_forged_cookie_is_ignored(client):
    client.cookies[COOKIE_NAME] = "<script>"
    response = client.get("/")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_a_dropped_connection_reported_as_a_bare_database_error_is_an_outage_too():
    from django.db import DatabaseError, ProgrammingError

    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    request = RequestFactory().get("/")
    lost = DatabaseError("error with status PGRES_TUPLES_OK and no message from the libpq")
    assert middleware.process_exception(request, lost).status_code == 503
    # A bug in a query is not hidden behind "service unavailable".
    assert middleware.process_exception(request, ProgrammingError("column x does not exist")) is None


def test_driver_errors_raised_unwrapped_while_rendering_are_an_outage_too():
    import psycopg2

    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    request = RequestFactory().get("/documents/")
    lost = psycopg2.OperationalError("server closed the connection unexpectedly")
    assert middleware.process_exception(request, lost).status_code == 503
