"""Two app servers, for real: two gunicorns in production mode on two
loopback ports share the test database, the machine's Redis (cache and
sessions) and one folder of files, as two servers behind a balancer would.
A visitor's requests go to either of them, and nothing they notice depends
on which one answers.

The Redis is the machine's (127.0.0.1:6379, as in CI). Every key these
servers write starts with a prefix of this run's own (REDIS_KEY_PREFIX), and
only those keys are removed afterwards, so parallel runs and anything else
on that Redis are left alone."""

from __future__ import annotations

import html
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis

from indicators.models import Aggregation, Period, Unit, ValueStatus
from leanedu.roles import Role
from proposals.models import Proposal
from tests.factories import SchoolFactory, user_with_role
from tests.indicators.factories import IndicatorFactory, ValueFactory, quarter
from tests.reliability.harness import (
    Browser,
    Gunicorn,
    app_env,
    current_database_url,
    hidden_fields,
    manage,
    proposal_fields,
)

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
FILL_SECONDS = 1  # the form's time trap, kept on but short
API_RATE = 6  # anonymous API requests per address and hour


@dataclass
class Servers:
    a: int
    b: int
    redis: redis.Redis
    prefix: str

    @property
    def both(self) -> tuple[int, int]:
        return self.a, self.b


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        message = "no Redis on 127.0.0.1:6379 (the machine's service; Debian's redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with django_db_blocker.unblock():
        database_url = current_database_url()
    # Not pytest's tmp_path: the servers' files are shared and looked at after a failure.
    base = Path(tempfile.mkdtemp(prefix="leanedu-two-servers-"))
    prefix = f"leanedu-test-{secrets.token_hex(6)}"
    env = app_env(
        database_url,
        base / "static",
        REDIS_URL=REDIS_URL,
        REDIS_KEY_PREFIX=prefix,
        DJANGO_MEDIA_ROOT=str(base / "media"),
        PROPOSALS_FILES_ROOT=str(base / "private"),
        PROPOSALS_MIN_FILL_SECONDS=str(FILL_SECONDS),
        API_ANON_RATE=f"{API_RATE}/hour",
    )
    manage(env, "collectstatic", "--noinput")
    a = Gunicorn(env, workers=1, threads=2, log=base / "a.log")
    try:
        b = Gunicorn(env, workers=1, threads=2, log=base / "b.log")
    except Exception:
        a.stop()
        raise
    yield Servers(a.port, b.port, client, prefix)
    a.stop()
    b.stop()
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)
    client.close()
    for name in ("a.log", "b.log"):
        shutil.copy(base / name, Path(tempfile.gettempdir()) / f"leanedu-two-servers-{name}")
    shutil.rmtree(base, ignore_errors=True)


def text(page: bytes) -> str:
    """What a reader sees of a page: its text without tags, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.decode())).split())


def open_form(visitor: Browser, port: int, path: str) -> dict[str, str]:
    status, page, _h = visitor.request("GET", port, path)
    assert status == 200, path
    return hidden_fields(page)


def test_signed_in_on_one_server_signed_in_on_the_other(servers, municipality):
    user = user_with_role(Role.OFFICE, municipality, username="office", first_name="Ольга", last_name="Смирнова")
    visitor = Browser()
    assert visitor.sign_in(servers.a, "office", PASSWORD)[0] == 302

    # The next page comes from the other server, which never saw the sign-in.
    status, page, _h = visitor.request("GET", servers.b, "/")
    assert status == 200
    assert "Ольга Смирнова" in text(page)
    # The session lives in the shared Redis, under this run's prefix only.
    assert servers.redis.exists(f"{servers.prefix}:1:django.contrib.sessions.cache{visitor.cookies['sessionid']}")

    # Signing out on B signs out on A too.
    token = open_form(visitor, servers.b, "/")["csrfmiddlewaretoken"]
    status, _page, _h = visitor.request("POST", servers.b, "/accounts/logout/", fields={"csrfmiddlewaretoken": token})
    assert status == 302
    status, page, _h = visitor.request("GET", servers.a, "/")
    assert status == 200 and user.get_full_name() not in text(page)


def test_the_per_address_limits_count_on_both_servers(servers, municipality):
    # «Решаем вместе»: five proposals an hour from one address, wherever they land.
    # Each form is shown by one server and sent to the other (its CSRF token and
    # signed time stamp are good on both).
    visitors = [Browser() for _ in range(6)]
    forms = [open_form(v, servers.both[i % 2], "/proposals/new/") for i, v in enumerate(visitors)]
    time.sleep(FILL_SECONDS + 0.2)
    for i, (visitor, hidden) in enumerate(zip(visitors, forms, strict=True)):
        port = servers.both[(i + 1) % 2]
        status, page, headers = visitor.request(
            "POST", port, "/proposals/new/", fields={**hidden, **proposal_fields(i)}
        )
        if i < 5:
            assert status == 302 and headers["Location"].endswith("/proposals/new/thanks/"), (i, text(page)[:500])
        else:
            assert status == 429
            assert "Слишком много предложений отправлено с вашего адреса за последний час" in text(page)
            # What the person typed is still there.
            assert "больше овощей в меню" in text(page)
    assert Proposal.objects.count() == 5

    # The open API: its counter lives in the cache, so it is Redis that makes it one limit.
    for i in range(API_RATE + 1):
        status, _body, headers = Browser().request("GET", servers.both[i % 2], "/api/v1/indicators/")
        if i < API_RATE:
            assert status == 200, i
        else:
            assert status == 429
            assert int(headers["Retry-After"]) > 0

    # Signing in: five wrong passwords for one account from one address, and the
    # account is locked out on both servers, the right password too.
    user_with_role(Role.OFFICE, municipality, username="office")
    answers = []
    for i in range(5):
        answers.append(Browser().sign_in(servers.both[i % 2], "office", "wrong-password-1"))
    assert [status for status, _page in answers] == [200, 200, 200, 200, 429]
    assert "Слишком много неудачных попыток" in text(answers[-1][1])
    for port in servers.both:
        status, page = Browser().sign_in(port, "office", PASSWORD)
        assert status == 429 and "Слишком много неудачных попыток" in text(page)


def dashboard_fact(port: int, code: str) -> str:
    """The «Факт» cell of an indicator's row on the public dashboard, as an anonymous visitor sees it."""
    status, page, _h = Browser().request("GET", port, "/indicators/")
    assert status == 200
    row = re.search(rf"<tr>\s*<td>{re.escape(code)}</td>(.*?)</tr>", page.decode(), re.S)
    assert row, f"{code} is not on the dashboard"
    cells = [text(cell.encode()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)]
    # name, unit, baseline, target, fact, …
    return cells[4]


def test_an_approval_on_one_server_changes_the_dashboard_on_the_other(servers, municipality):
    Period.ensure_year(2025)
    trained = IndicatorFactory(
        code="T-TRAINED", name="Число обученных педагогов", unit=Unit.PEOPLE, aggregation=Aggregation.SUM
    )
    school_a, school_b = SchoolFactory(parent=municipality), SchoolFactory(parent=municipality)
    q1 = quarter(2025, 1)
    ValueFactory(organization=school_a, indicator=trained, period=q1, value=5, status=ValueStatus.APPROVED)
    ValueFactory(organization=school_b, indicator=trained, period=q1, value=3, status=ValueStatus.SUBMITTED)
    user_with_role(Role.OFFICE, municipality, username="office")
    year = Period.objects.get(kind="year", year=2025)

    # Both servers have shown (and cached) the dashboard before the approval.
    assert dashboard_fact(servers.a, "T-TRAINED") == "5"
    assert dashboard_fact(servers.b, "T-TRAINED") == "5"

    office = Browser()
    assert office.sign_in(servers.a, "office", PASSWORD)[0] == 302
    status, page, _h = office.request("GET", servers.a, f"/reports/?period={year.pk}&municipality={municipality.pk}")
    assert status == 200
    action = html.unescape(re.search(r'<form method="post" action="(/reports/approve/[^"]*)"', page.decode()).group(1))
    status, _page, headers = office.request("POST", servers.a, action, fields=hidden_fields(page))
    assert status == 302
    status, page, _h = office.request("GET", servers.a, headers["Location"])
    assert "Утверждено значений: 1" in text(page)  # the office's own confirmation

    # Server B shows the new figure at once: its cached page is not served.
    assert dashboard_fact(servers.b, "T-TRAINED") == "8"
    assert dashboard_fact(servers.a, "T-TRAINED") == "8"


def test_a_file_sent_to_one_server_is_downloaded_from_the_other(servers, municipality):
    SchoolFactory(parent=municipality)
    user_with_role(Role.OFFICE, municipality, username="office")
    content = b"%PDF-1.4\n% " + secrets.token_hex(2000).encode() + b"\n%%EOF\n"

    citizen = Browser()
    hidden = open_form(citizen, servers.a, "/proposals/new/")
    time.sleep(FILL_SECONDS + 0.2)
    status, page, headers = citizen.request(
        "POST",
        servers.b,
        "/proposals/new/",
        fields={**hidden, **proposal_fields(1)},
        files={"attachments": ("Фото столовой.pdf", content, "application/pdf")},
    )
    assert status == 302, text(page)[:500]
    # The thank-you page, from the other server, gives the registration number.
    status, page, _h = citizen.request("GET", servers.a, headers["Location"])
    proposal = Proposal.objects.get()
    assert status == 200 and proposal.number in text(page)

    office = Browser()
    assert office.sign_in(servers.b, "office", PASSWORD)[0] == 302
    status, page, _h = office.request("GET", servers.a, f"/admin/proposals/proposal/{proposal.pk}/change/")
    assert status == 200
    link = re.search(r'href="(/proposals/attachments/\d+/)">Фото столовой\.pdf<', page.decode())
    assert link, "no link to the attachment on the proposal's page"
    for port in servers.both:
        status, body, headers = office.request("GET", port, link.group(1))
        assert status == 200
        assert body == content
        assert quote("Фото столовой.pdf") in headers["Content-Disposition"]
