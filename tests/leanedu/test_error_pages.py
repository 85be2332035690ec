"""Error pages in the site's language and layout (400, 403, 404, 429); 500
stays plain; a refused request is one line in the log, not a traceback."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client, RequestFactory

from leanedu import errors

pytestmark = pytest.mark.django_db


def assert_site_page(response, status: int, heading: str):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert heading in html
    assert 'class="site-header' in html and "Решаем вместе" in html  # the site's layout and menu
    assert 'href="/"' in html  # a way back
    assert "Forbidden" not in html and "Bad Request" not in html


def test_a_coordinator_opening_reports_gets_the_sites_403(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get("/reports/")
    assert_site_page(response, 403, "Доступ закрыт")
    assert "недоступен для вашей роли" in response.content.decode()


def test_an_expired_form_gets_a_403_that_says_what_to_do(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/proposals/new/", {"text": "Предложение"})
    assert_site_page(response, 403, "Доступ закрыт")
    assert "обновите страницу" in response.content.decode()


def test_400_and_404_are_site_pages(client):
    assert_site_page(client.get("/indicators/%00/"), 400, "Запрос не может быть обработан")
    assert_site_page(client.get("/no-such-page/"), 404, "Страница не найдена")


def test_429_is_a_site_page(rf: RequestFactory, coordinator_a):
    request = rf.get("/")
    request.user = coordinator_a
    request.session = {}
    response = errors.too_many_requests(request)
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Слишком много запросов" in html and 'href="/"' in html


def test_500_stays_plain_and_needs_no_database():
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ошибка на сервере" in html and "site-header" not in html


@pytest.fixture
def console_log():
    """What the console handler of the LOGGING setting prints."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_a_refused_request_logs_one_line(client, coordinator_a, console_log):
    client.force_login(coordinator_a)
    assert client.get("/reports/").status_code == 403
    assert client.get("/indicators/%00/").status_code == 400
    log = console_log.getvalue()
    assert "Forbidden" in log and "/reports/" in log
    assert "Traceback" not in log
    assert len(log.strip().splitlines()) == 2


def test_a_server_error_keeps_its_traceback(console_log):
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert errors.OneLineRefusals().filter(record) and record.exc_info is not None
