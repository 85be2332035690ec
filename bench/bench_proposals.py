"""Submissions per second of the public proposal form through gunicorn, and
where the processor time of a submission goes.

Starts gunicorn on loopback with the production settings (gunicorn.conf.py;
the per-address limit — every client is 127.0.0.1 — and the time trap are
lifted through their environment variables, e-mail is queued for the task
worker as in production), runs a bounded number of client processes for a
bounded time — each GETs the form over a keep-alive connection, takes the CSRF
cookie, token and signed time stamp from it and POSTs a proposal with them;
with --follow it also GETs the confirmation page — and prints submissions per
second, errors, latency, and whether the stored proposals equal the successful
responses with unique, consecutive numbers and one e-mail each once the task
worker has drained the queue.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_proposals.py \
        [--clients 8] [--seconds 15] [--workers 2] [--threads N] [--rounds 3] [--follow]

Each round prints the load average before it (the machine is shared) and the
processor milliseconds per submission of each component, sampled from /proc:
the client processes, gunicorn (master and workers), the PostgreSQL backends
of the benchmark database, PostgreSQL's own processes, and the rest of the
machine (other people's work). Those milliseconds hardly depend on what else
the machine runs, unlike the rate; the summary gives the minimum and the
median of the rounds.

The database is ``<DATABASE_URL's name>_bench``, migrated; seed it at region
scale first for the region's choice lists (``manage.py seed_demo --region 45``
with DATABASE_URL pointing at it), or the proposals go into a nearly empty one.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import socket
import statistics
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
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
THANKS_COOKIE = re.compile(r"proposal_submitted=[^;]+")
COMPONENTS = ("client", "gunicorn", "postgres backends", "postgres server", "other")


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


def client_loop(n: int, port: int, go, seconds: float, follow: bool, results) -> None:
    """One client process: a keep-alive connection, GET the form, take the CSRF
    cookie and token and the signed time stamp from it, POST the proposal with
    them; with ``follow`` also GET the confirmation page the 302 leads to (with
    the signed cookie the POST set). Processes, not threads: eight threads of one
    Python process fight over its GIL and cost the shared cores more per request."""
    ok = 0
    errors: dict[str, int] = {}
    latencies_ms: list[float] = []
    go.wait()
    stop_at = time.monotonic() + seconds
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    while time.monotonic() < stop_at:
        i += 1
        try:
            conn.request("GET", "/proposals/new/")
            response = conn.getresponse()
            body = response.read().decode()
            csrf_cookie = CSRF_COOKIE.search(response.getheader("Set-Cookie", "")).group(1)
            fields = dict(HIDDEN.findall(body))
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                    "started": fields["started"],
                    "author_name": f"Нагрузочный автор {n}",
                    "email": f"bench{n}-{i}@example.org",
                    "author_role": "parent",
                    "category": "food",
                    "text": f"Предложение из нагрузочного теста, клиент {n}, номер {i}.",
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
            latencies_ms.append((time.perf_counter() - started) * 1000)
            location = response.getheader("Location", "")
            if response.status != 302 or "/thanks/" not in location:
                errors[f"HTTP {response.status}"] = errors.get(f"HTTP {response.status}", 0) + 1
                continue
            ok += 1  # accepted: stored, numbered, mail queued
            if follow:
                thanks = THANKS_COOKIE.search(response.getheader("Set-Cookie", "")).group(0)
                conn.request("GET", location, headers={"Cookie": thanks})
                response = conn.getresponse()
                page = response.read().decode()
                if response.status != 200 or "РВ-" not in page:
                    errors[f"thanks HTTP {response.status}"] = errors.get(f"thanks HTTP {response.status}", 0) + 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors[exc.__class__.__name__] = errors.get(exc.__class__.__name__, 0) + 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    results.put((n, ok, errors, latencies_ms))


def client_threads(clients_n: int, port: int, go, seconds: float, follow: bool, results) -> None:
    """The former client, for comparison: all clients as threads of one process."""
    threads = [
        threading.Thread(target=client_loop, args=(n, port, go, seconds, follow, results)) for n in range(clients_n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_round(port: int, clients_n: int, seconds: float, follow: bool, meter: CpuMeter, one_process: bool):
    """Client processes started first and released together; the meter's
    interval is exactly the clients' run."""
    context = multiprocessing.get_context("fork")
    go = context.Event()
    results = context.Queue()
    if one_process:
        procs = [
            context.Process(target=client_threads, args=(clients_n, port, go, seconds, follow, results), daemon=True)
        ]
    else:
        procs = [
            context.Process(target=client_loop, args=(n, port, go, seconds, follow, results), daemon=True)
            for n in range(clients_n)
        ]
    for p in procs:
        p.start()
    meter.groups["client"] = lambda: [p.pid for p in procs if p.pid]
    meter.begin()
    started = time.monotonic()
    go.set()
    collected = [results.get(timeout=seconds + 60) for _ in range(clients_n)]
    elapsed = time.monotonic() - started
    cpu = meter.end()
    for p in procs:
        p.join(10)
    return elapsed, collected, cpu


class CpuMeter(threading.Thread):
    """Processor seconds of each component over one round, from /proc (psutil).

    Each group names its processes anew at every sample (every ``interval`` s),
    so a gunicorn worker or a database backend that starts during the round is
    counted from zero and one that ends is counted up to its last sample (a
    worker restarted by max_requests loses at most one interval). Components:
    the client processes, gunicorn (master and workers), the PostgreSQL
    backends connected to the benchmark database, and PostgreSQL's own
    processes (postmaster, WAL writer, checkpointer…: shared with every other
    database on the server, so other developers' tests show up there too).
    ``machine`` is every busy core-second of the machine; ``other`` what the
    machine did besides the components."""

    def __init__(self, gunicorn_pid: int, dsn: str, database: str, interval: float = 0.25):
        super().__init__(daemon=True)
        import psutil
        import psycopg2

        self.psutil = psutil
        self.interval = interval
        self.database = database
        self.pg = psycopg2.connect(dsn)
        self.pg.autocommit = True
        self.pg_backends: list[int] = []
        self.pg_server: list[int] = []
        self.groups = {
            "client": lambda: [],
            "gunicorn": lambda: self._tree(gunicorn_pid),
            "postgres backends": lambda: self.pg_backends,
            "postgres server": lambda: self.pg_server,
        }
        self.lock = threading.Lock()
        self.running = False
        self.stopped = False
        self.start()

    def _tree(self, pid: int) -> list[int]:
        try:
            master = self.psutil.Process(pid)
            return [pid, *(c.pid for c in master.children(recursive=True))]
        except self.psutil.NoSuchProcess:
            return []

    def _postgres_pids(self) -> None:
        with self.pg.cursor() as cur:
            cur.execute(
                "SELECT pid, backend_type = 'client backend' AND datname = %s FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND (backend_type <> 'client backend' OR datname = %s)",
                [self.database, self.database],
            )
            rows = cur.fetchall()
        self.pg_backends = [pid for pid, ours in rows if ours]
        server = [pid for pid, ours in rows if not ours]
        if server:
            try:
                server.append(self.psutil.Process(server[0]).ppid())  # the postmaster
            except self.psutil.NoSuchProcess:
                pass
        self.pg_server = server

    def _machine_busy(self) -> float:
        t = self.psutil.cpu_times()
        return t.user + t.nice + t.system + t.irq + t.softirq + t.steal

    def _sample(self) -> None:
        self._postgres_pids()
        for group, pids in self.groups.items():
            for pid in pids():
                try:
                    proc = self.psutil.Process(pid)
                    times = proc.cpu_times()
                    created = proc.create_time()
                except self.psutil.NoSuchProcess:
                    continue
                value = times.user + times.system
                key = (group, pid)
                if key not in self.first:
                    # Born during the round: all of its time is the round's.
                    self.first[key] = 0.0 if created >= self.began_at else value
                self.last[key] = value

    def begin(self) -> None:
        with self.lock:
            self.first: dict[tuple[str, int], float] = {}
            self.last: dict[tuple[str, int], float] = {}
            self.began_at = time.time() - 0.05  # create_time is rounded to the clock tick
            self._sample()
            self.machine_first = self._machine_busy()
            self.running = True

    def end(self) -> dict[str, float]:
        with self.lock:
            self._sample()
            self.running = False
            totals = dict.fromkeys(self.groups, 0.0)
            for (group, pid), value in self.last.items():
                totals[group] += value - self.first[(group, pid)]
            totals["machine"] = self._machine_busy() - self.machine_first
            totals["other"] = totals["machine"] - sum(totals[g] for g in self.groups)
            return totals

    def run(self) -> None:
        while not self.stopped:
            time.sleep(self.interval)
            with self.lock:
                if self.running:
                    try:
                        self._sample()
                    except Exception:  # noqa: BLE001 - a missed sample only widens the interval
                        pass


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def forget_earlier_runs(connection) -> int:
    """Remove what earlier runs left in the benchmark's own database — their
    proposals (``bench…@example.org``), history rows and letters — and set each
    year's counter back to the last number left. Registration numbers have five
    digits (РВ-YYYY-NNNNN): a benchmark database that kept every run would run
    out of them after 99,999 submissions in a year (eight minutes at 200 / s)."""
    pattern = "bench%@example.org"
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM proposals_historicalproposal WHERE id IN (SELECT id FROM proposals_proposal WHERE email LIKE %s)",
            [pattern],
        )
        cursor.execute('DELETE FROM leanedu_outgoingemail WHERE "to" LIKE %s', [pattern])
        cursor.execute("DELETE FROM proposals_proposal WHERE email LIKE %s", [pattern])
        removed = cursor.rowcount
        cursor.execute(
            """
            UPDATE proposals_yearcounter c SET last_number = COALESCE(
                (SELECT max(substring(p.number from 9)::int) FROM proposals_proposal p
                 WHERE p.number LIKE 'РВ-' || c.year || '-%%'), 0)
            """
        )
    return removed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=0, help="gunicorn threads per worker (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--one-client-process", action="store_true", help="the clients as threads of one process (the former client)"
    )
    parser.add_argument("--follow", action="store_true", help="also GET the confirmation page the POST redirects to")
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 64))
    args.seconds = max(1.0, min(args.seconds, 120.0))
    args.rounds = max(1, min(args.rounds, 10))
    print("abuse checks relaxed for the benchmark, nothing else: the per-address limit (every client is 127.0.0.1)")
    print("and the time trap (minimum fill time) are lifted; CSRF, the honeypot field and the signed time stamp stay.")
    kind = "a thread of one client process" if args.one_client_process else "a process"
    print(f"Each client ({kind} with one keep-alive connection) GETs the form and POSTs it with its CSRF cookie,")
    print(
        "token and time stamp; "
        + (
            "then GETs the confirmation page the 302 leads to."
            if args.follow
            else "the 302 to the confirmation page is checked, not followed (--follow follows it)."
        )
    )
    print("E-mail is queued for the task worker as in production; the worker drains the outbox after the run.")

    # The production task backend here too, so that the worker below drains the same queue.
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    setup_django("bench")
    from django.db import connection

    from leanedu.models import Organization
    from proposals.models import Proposal

    removed = forget_earlier_runs(connection)
    if removed:
        print(f"removed {removed} proposals left by earlier runs (this benchmark's database only)")
    before = Proposal.objects.count()
    max_before = Proposal.objects.order_by("-number").values_list("number", flat=True).first()
    organisations = Organization.objects.count()
    database = connection.settings_dict["NAME"]
    connection.close()

    port = free_port()
    files = tempfile.mkdtemp(prefix="leanedu-bench-proposals-")
    env = {
        **os.environ,
        "PROPOSALS_RATE_LIMIT_PER_HOUR": "0",
        "PROPOSALS_MIN_FILL_SECONDS": "0",
        "PROPOSALS_FILES_ROOT": files,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESSLOG": "",
        # Production-like static files: the manifest storage, collected first.
        "DJANGO_STATIC_ROOT": str(Path(files) / "static"),
    }
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    # gunicorn.conf.py (the production settings) is read from the working directory.
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
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
    threads = env.get("GUNICORN_THREADS", "gunicorn.conf.py's default")
    rates: list[float] = []
    per_submission: dict[str, list[float]] = {c: [] for c in (*COMPONENTS, "machine")}
    ok = 0
    errors: dict[str, int] = {}
    print(
        f"{organisations} organisations in the database; {args.rounds} rounds of {args.seconds:.0f} s; "
        f"{args.clients} client processes; gunicorn {args.workers} workers x {threads} threads"
    )
    print(
        "CPU ms per submission, by component: client processes | gunicorn master + workers | PostgreSQL backends "
        "of this database | PostgreSQL's own processes (shared with other databases) | the rest of the machine"
    )
    print(
        row(
            "round",
            "seconds",
            "submissions",
            "per second",
            "errors",
            "POST p50 ms",
            "POST p95 ms",
            *(f"{c} ms" for c in COMPONENTS),
            "machine busy cores",
            "load before",
        )
    )
    url = os.environ["DATABASE_URL"]
    meter = None
    try:
        wait_until_up(port, proc)
        meter = CpuMeter(proc.pid, url.rpartition("/")[0] + "/postgres", database)
        for n in range(1, args.rounds + 1):
            load_before = load()
            elapsed, collected, cpu = run_round(
                port, args.clients, args.seconds, args.follow, meter, args.one_client_process
            )
            round_ok = sum(c[1] for c in collected)
            for c in collected:
                for key, count in c[2].items():
                    errors[key] = errors.get(key, 0) + count
            round_errors = sum(sum(c[2].values()) for c in collected)
            latencies = [ms for c in collected for ms in c[3]]
            p50, p95 = percentiles(latencies) if latencies else (0.0, 0.0)
            ok += round_ok
            rates.append(round_ok / elapsed)
            for component in per_submission:
                per_submission[component].append(cpu[component] * 1000 / max(round_ok, 1))
            print(
                row(
                    n,
                    f"{elapsed:.1f}",
                    round_ok,
                    f"{round_ok / elapsed:.1f}",
                    round_errors,
                    f"{p50:.0f}",
                    f"{p95:.0f}",
                    *(f"{cpu[c] * 1000 / max(round_ok, 1):.2f}" for c in COMPONENTS),
                    f"{cpu['machine'] / elapsed:.2f}",
                    load_before.split(" on ")[0].removeprefix("load average "),
                )
            )
    finally:
        if meter is not None:
            meter.stopped = True
        proc.terminate()
        proc.wait(15)
    print(f"submissions per second: min {min(rates):.1f}, median {statistics.median(rates):.1f}; after: {load()}")
    medians = {c: statistics.median(v) for c, v in per_submission.items()}
    print(
        "CPU ms per submission, median of the rounds: "
        + ", ".join(f"{c} {medians[c]:.2f}" for c in COMPONENTS)
        + f"; the machine {medians['machine']:.2f}"
    )
    measured = medians["client"] + medians["gunicorn"] + medians["postgres backends"] + medians["postgres server"]
    server = measured - medians["client"]
    print(
        f"at these costs {os.cpu_count()} cores would carry about {1000 * (os.cpu_count() or 1) / measured:.0f} "
        f"submissions per second with this client on the same machine, "
        f"{1000 * (os.cpu_count() or 1) / server:.0f} with the clients elsewhere (gunicorn + PostgreSQL only)"
    )

    stored = Proposal.objects.count() - before
    new_numbers = list(
        Proposal.objects.filter(number__gt=max_before or "").order_by("number").values_list("number", flat=True)
    )
    seq = [int(n.rsplit("-", 1)[1]) for n in new_numbers]
    consecutive = seq == list(range(seq[0], seq[0] + len(seq))) if seq else True
    print(f"stored proposals: {stored}, successful responses: {ok}, equal: {stored == ok}")
    print(f"numbers unique and consecutive: {len(set(new_numbers)) == len(new_numbers) and consecutive}")
    # What the task worker does after the run: drain the queue; every proposal gets exactly one e-mail.
    from django.core import mail
    from django.core.management import call_command
    from django.test.utils import override_settings

    from leanedu.mail import deliver_pending

    override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}).enable()

    mail.outbox = []
    drained = time.monotonic()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    drained = time.monotonic() - drained
    left, _pending = deliver_pending(limit=1_000_000, include_not_due=True)
    # Only this run's proposals count (the queue may hold older mail of the benchmark database).
    ours = set(new_numbers)
    mailed = sorted(m for msg in mail.outbox for m in re.findall(r"РВ-\d{4}-\d{5}", msg.subject) if m in ours)
    once = mailed == sorted(new_numbers) and left == 0
    print(
        f"queue drained by the worker after the run: {len(mail.outbox)} e-mails in {drained:.1f} s, "
        f"{left} left for the periodic job; one e-mail per proposal: {once}"
    )
    if errors:
        print("errors:", errors)
    return 0 if stored == ok and not errors and consecutive and once else 1


if __name__ == "__main__":
    raise SystemExit(main())
