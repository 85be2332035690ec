"""Reliability under load and faults, against gunicorn in production mode on
loopback and a PostgreSQL of the test's own (so it can be stopped).

Bounded: LOAD_SECONDS (default 30) of load by 32 clients, a 4-second outage."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.reliability.harness import Gunicorn, PrivatePostgres, app_env, manage, request, run_load

pytestmark = pytest.mark.reliability

LOAD_SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "30"))
PUBLIC_PAGES = ["/", "/documents/", "/pilot-sites/", "/projects/", "/indicators/", "/proposals/new/", "/privacy/"]


@pytest.fixture(scope="module")
def deployment():
    # Not pytest's tmp_path: pytest keeps that folder private to root, and the
    # embedded server runs as its own user when the tests run as root.
    base = Path(tempfile.mkdtemp(prefix="leanedu-reliability-"))
    base.chmod(0o755)
    pg = PrivatePostgres(base / "pgdata")
    env = app_env(pg.url, base / "static")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--quiet-accounts")
    manage(env, "collectstatic", "--noinput")
    server = Gunicorn(env)
    yield pg, server
    server.stop()
    pg.destroy()
    shutil.rmtree(base, ignore_errors=True)


def test_public_pages_under_load_give_no_server_errors(deployment):
    _pg, server = deployment
    result = run_load(server.port, PUBLIC_PAGES, clients=32, seconds=LOAD_SECONDS)
    print(
        f"\nload: {result.total} requests in {LOAD_SECONDS:.0f} s by 32 clients "
        f"({result.total / LOAD_SECONDS:.0f}/s), statuses {dict(result.statuses)}, errors {dict(result.errors)}"
    )
    assert result.total > 0
    assert set(result.statuses) == {200}
    assert not result.errors


def test_database_outage_gives_clean_503_and_service_comes_back(deployment):
    pg, server = deployment
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM leanedu_organization")
        organisations_before = cur.fetchone()[0]

    def outage():
        time.sleep(3)
        pg.stop()
        time.sleep(4)
        pg.start()

    fault = threading.Thread(target=outage)
    fault.start()
    result = run_load(server.port, PUBLIC_PAGES + ["/healthz"], clients=8, seconds=14)
    fault.join()

    print(f"\noutage: statuses {dict(result.statuses)}, connection errors {dict(result.errors)}")
    assert 503 in result.statuses, "the outage was not noticed"
    assert set(result.statuses) <= {200, 503}, "anything but a clean 503 during the outage"
    assert result.tracebacks == 0
    assert not result.errors, "the app server itself must keep answering"
    late = [status for t, status in result.timeline if t > 10]
    assert late and all(status == 200 for status in late), "service did not come back after the database"

    status, body, _h = request("GET", server.port, "/healthz")
    assert status == 200
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM leanedu_organization")
        assert cur.fetchone()[0] == organisations_before
