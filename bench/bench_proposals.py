"""Submissions per second of the public proposal form through gunicorn.

Starts gunicorn on loopback — the per-address limit (every client is
127.0.0.1) and the time trap are lifted through their environment variables,
e-mail is queued for the task worker as in production — runs a bounded number of
client threads for a bounded time — each GETs the form (CSRF cookie, token,
signed time stamp) and POSTs a proposal — and prints submissions per second,
errors, latency, and whether the stored proposals equal the successful
responses with unique, consecutive numbers.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_proposals.py [--clients 8] [--seconds 15] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, percentiles, row, setup_django  # noqa: E402

HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


class Client(threading.Thread):
    def __init__(self, n: int, port: int, stop_at: float):
        super().__init__(daemon=True)
        self.n, self.port, self.stop_at = n, port, stop_at
        self.ok = 0
        self.errors: list[str] = []
        self.latencies_ms: list[float] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while time.monotonic() < self.stop_at:
            i += 1
            try:
                conn.request("GET", "/proposals/new/")
                response = conn.getresponse()
                body = response.read().decode()
                cookie = response.getheader("Set-Cookie", "")
                csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
                fields = dict(HIDDEN.findall(body))
                data = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                        "started": fields["started"],
                        "author_name": f"Нагрузочный автор {self.n}",
                        "email": f"bench{self.n}-{i}@example.org",
                        "author_role": "parent",
                        "category": "food",
                        "text": f"Предложение из нагрузочного теста, клиент {self.n}, номер {i}.",
                        "consent_personal_data": "on",
                        "website": "",
                    }
                )
                started = time.perf_counter()
                conn.request(
                    "POST",
                    "/proposals/new/",
                    body=data,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"csrftoken={csrf_cookie}",
                    },
                )
                response = conn.getresponse()
                response.read()
                self.latencies_ms.append((time.perf_counter() - started) * 1000)
                if response.status == 302 and "/thanks/" in response.getheader("Location", ""):
                    self.ok += 1
                else:
                    self.errors.append(f"HTTP {response.status}")
            except Exception as exc:  # noqa: BLE001 - counted and reported
                self.errors.append(exc.__class__.__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 64))
    args.seconds = max(1.0, min(args.seconds, 120.0))
    print("per-address limit and time trap lifted for the benchmark (every client is 127.0.0.1); each client GETs")
    print("the form and POSTs it with its CSRF token; e-mail queued for the worker, drained and counted afterwards")

    setup_django("bench")
    from django.db import connection

    from proposals.models import Proposal

    before = Proposal.objects.count()
    max_before = Proposal.objects.order_by("-number").values_list("number", flat=True).first()
    connection.close()

    port = free_port()
    files = tempfile.mkdtemp(prefix="leanedu-bench-proposals-")
    env = {
        **os.environ,
        "PROPOSALS_RATE_LIMIT_PER_HOUR": "0",
        "PROPOSALS_MIN_FILL_SECONDS": "0",
        "PROPOSALS_FILES_ROOT": files,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # The production default: e-mail is queued for the task worker, not sent in the request.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESSLOG": "",
        # Production-like static files: the manifest storage, collected first.
        "DJANGO_STATIC_ROOT": str(Path(files) / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "leanedu.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port, proc)
        started = time.monotonic()
        clients = [Client(n, port, started + args.seconds) for n in range(args.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(args.seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        proc.terminate()
        proc.wait(15)

    ok = sum(c.ok for c in clients)
    errors = [e for c in clients for e in c.errors]
    latencies = [ms for c in clients for ms in c.latencies_ms]
    stored = Proposal.objects.count() - before
    new_numbers = list(
        Proposal.objects.filter(number__gt=max_before or "").order_by("number").values_list("number", flat=True)
    )
    seq = [int(n.rsplit("-", 1)[1]) for n in new_numbers]
    consecutive = seq == list(range(seq[0], seq[0] + len(seq))) if seq else True
    p50, p95 = percentiles(latencies) if latencies else (0.0, 0.0)

    print(
        row(
            "clients",
            "gunicorn workers",
            "seconds",
            "submissions",
            "per second",
            "errors",
            "POST p50 ms",
            "POST p95 ms",
        )
    )
    print(
        row(
            args.clients,
            args.workers,
            f"{elapsed:.1f}",
            ok,
            f"{ok / elapsed:.1f}",
            len(errors),
            f"{p50:.0f}",
            f"{p95:.0f}",
        )
    )
    print(f"stored proposals: {stored}, successful responses: {ok}, equal: {stored == ok}")
    print(f"numbers unique and consecutive: {len(set(new_numbers)) == len(new_numbers) and consecutive}")
    # What the worker does afterwards: drain the outbox; every proposal gets exactly one e-mail.
    from django.core import mail

    from leanedu.mail import deliver_pending

    mail.outbox = []
    drained = time.monotonic()
    sent, pending = deliver_pending(limit=1_000_000, include_not_due=True)
    drained = time.monotonic() - drained
    mailed = sorted(m for msg in mail.outbox for m in re.findall(r"РВ-\d{4}-\d{5}", msg.subject))
    once = mailed == sorted(new_numbers)
    print(
        f"outbox drained after the run: {sent} sent in {drained:.1f} s, {pending} pending; one e-mail per proposal: {once}"
    )
    if errors:
        print("errors:", sorted(set(errors)))
    return 0 if stored == ok and not errors and consecutive and once else 1


if __name__ == "__main__":
    raise SystemExit(main())
