"""No 5xx from input: every URL pattern of the site and the admin, generated
from the resolver, with hostile segments and query strings, as each role.
Control characters end in the site's 400 page; everything else in a page, a
redirect, a 400 or a 404 — never a server error."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

pytestmark = pytest.mark.django_db

NUL = "1%00"
HOSTILE_SEGMENTS = [
    NUL,
    "x" * 10_240,  # 10 KB
    "abc",  # a non-numeric id
    quote("Аб漢字١٢-x"),  # mixed scripts
    "99999999999999999999",  # beyond any integer column
]
HOSTILE_QUERIES = [
    "q=%00&term=%00",
    "page=abc&period=abc&municipality=abc&organization=abc&o=abc&p=abc&q=" + quote("Аб漢字") + "&year=abc",
    "period=99999999999999999999&municipality=99999999999999999999&page=99999999999999999999",
    "q=" + "x" * 10_240,
]
ROLES = ["anonymous", "coordinator_a", "official", "office", "office_admin"]

_PARAM = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)|\([^)]*\)")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def url_patterns() -> list[str]:
    """Every route of the site as a template with '{}' for each parameter."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "").replace("\\", "")
        routes.append("/" + _PARAM.sub("{}", route))
    return sorted(set(routes))


def hostile_requests(*, staff: bool) -> list[tuple[str, str]]:
    """(method, url) pairs: every route with each hostile segment in all its
    slots, a non-numeric id in each slot alone, and hostile query strings.
    The admin answers every non-staff request with the login redirect before
    any view runs, so for them two variants per admin route suffice."""
    requests = []
    for template in url_patterns():
        slots = template.count("{}")
        segments = HOSTILE_SEGMENTS
        queries = HOSTILE_QUERIES
        if template.startswith("/admin/"):
            # the admin's ids are all numbers: mixed scripts test nothing more than "abc" there
            segments = [s for s in HOSTILE_SEGMENTS if "%D0" not in s]
            if not staff:
                segments, queries = [NUL, "abc"], HOSTILE_QUERIES[:1]
        if slots:
            for segment in segments:
                requests.append(("get", template.format(*[segment] * slots)))
            requests.append(("post", template.format(*["abc"] * slots)))
            if slots > 1:
                for n in range(slots):
                    requests.append(("get", template.format(*["1" if i != n else "abc" for i in range(slots)])))
            base = template.format(*["1"] * slots)
        else:
            base = template
            requests.append(("get", base + NUL))
            if "logout" not in base:  # stay logged in
                requests.append(("post", base + "?" + HOSTILE_QUERIES[1]))
        requests.extend(("get", f"{base}?{query}") for query in queries)
    return requests


def test_the_crawl_covers_every_pattern():
    routes = url_patterns()
    assert len(routes) > 200
    assert "/indicators/{}/" in routes and "/admin/autocomplete/" in routes
    assert "/admin/projects/project/{}/history/" in routes


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_for_hostile_input(request, role, school_a):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    failures = []
    for method, url in hostile_requests(staff=role in ("office", "office_admin")):
        status = getattr(client, method)(url).status_code
        if status >= 500:
            failures.append((method, url.replace("x" * 10_240, "<10 KB>")[:150], status))
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/%00/",
        "/admin/projects/project/1%00/history/",
        "/admin/documents/document/1%00/history/",
        "/admin/autocomplete/?app_label=projects&model_name=pilotsite&field_name=organization&term=%00",
        "/documents/?q=%00",
    ],
)
def test_a_nul_byte_gets_the_sites_400_page(client, office, url):
    client.force_login(office)
    response = client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Запрос не может быть обработан" in html
    assert 'href="/"' in html  # a way back


def test_nul_in_form_fields_and_cookies_is_refused(client, coordinator_a):
    response = client.post("/proposals/new/", {"author_name": "Иван\x00", "text": "Текст"})
    assert response.status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400
    del client.cookies["sessionid"]
    client.force_login(coordinator_a)
    response = client.post("/cabinet/projects/new/", {"title": "Проект\x00"})
    assert response.status_code == 400


def test_line_breaks_and_tabs_in_form_text_pass(client):
    response = client.post("/proposals/new/", {"text": "Первая строка\r\nвторая\tстрока"})
    assert response.status_code == 200  # the form, with its own messages
