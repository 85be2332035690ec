"""Redis (cache and sessions) goes away under a running gunicorn: /healthz says
503 naming the cache, signing in gives the clean «temporarily unavailable»
page instead of a 500, and both recover when Redis is back.

The Redis is the test's own (a redis-server on a free loopback port), never
the machine's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.reliability.harness import Browser, Gunicorn, PrivatePostgres, app_env, free_port, manage, request

pytestmark = pytest.mark.reliability
PASSWORD = "redis-outage-password-1"


class PrivateRedis:
    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server")
        self.folder = folder
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        import socket

        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture(scope="module")
def deployment():
    if not shutil.which("redis-server"):
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs Debian's redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    base = Path(tempfile.mkdtemp(prefix="leanedu-redis-"))
    base.chmod(0o755)
    pg = PrivatePostgres(base / "pgdata")
    redis = PrivateRedis(base)
    redis.start()
    env = app_env(pg.url, base / "static", REDIS_URL=redis.url)
    manage(env, "migrate", "--noinput")
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--noinput",
        "--username",
        "office",
        "--email",
        "office@example.org",
    )
    manage(env, "collectstatic", "--noinput")
    server = Gunicorn(env, workers=1, threads=2)
    yield redis, server
    server.stop()
    redis.stop()
    pg.destroy()
    shutil.rmtree(base, ignore_errors=True)


def sign_in(port: int) -> tuple[int, bytes]:
    return Browser().sign_in(port, "office", PASSWORD)


def test_redis_down_gives_503_health_and_a_clean_sign_in_page(deployment):
    redis, server = deployment
    status, body, _h = request("GET", server.port, "/healthz")
    assert status == 200 and json.loads(body)["cache"] == "ok"
    assert sign_in(server.port)[0] == 302

    redis.stop()
    try:
        status, body, _h = request("GET", server.port, "/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "error", "database": "ok", "cache": "unavailable", "storage": "ok"}
        # The form itself needs no session; signing in does, and says the portal is
        # temporarily unavailable instead of failing with a 500.
        page_status, page = sign_in(server.port)
        assert page_status == 503
        assert "временно недоступен" in page.decode()
        assert b"Traceback" not in page
    finally:
        redis.start()

    status, body, _h = request("GET", server.port, "/healthz")
    assert status == 200
    assert sign_in(server.port)[0] == 302
