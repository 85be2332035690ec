"""Shared set-up of the benchmarks: a separate database, migrated, Django ready.

With DATABASE_URL the benchmark database is that server's ``<name>_bench``;
without it, ``leanedu_bench`` on the embedded server. The development data is
never touched. Figures are printed, never asserted."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

# BENCH_CODE_ROOT: the checkout whose code a benchmark measures (default: this one).
HERE = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("BENCH_CODE_ROOT") or HERE)
# The database the benchmark was started with; setup_django moves to <name>_<suffix>.
ORIGINAL_URL = os.environ.get("DATABASE_URL", "")


def setup_django(suffix: str = "bench") -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    url = os.environ.get("DATABASE_URL", "")
    if url:
        base, _sep, name = url.rpartition("/")
        name = name.split("?")[0]
        if not name.endswith(f"_{suffix}"):
            _create_database_on(url, f"{name}_{suffix}")
            os.environ["DATABASE_URL"] = f"{base}/{name}_{suffix}"
    else:
        os.environ["LEANEDU_EMBEDDED_DB"] = f"leanedu_{suffix}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanedu.settings")
    os.environ.setdefault("DEMO_PASSWORD", "bench-password-123")
    # Production-like: no debug cursor or debug toolbar costs in the figures.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-" + "x7Q_" * 12)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # the test Client's host, mail to memory
    # Static files from the finders: the benchmarks run without collectstatic.
    from django.conf import settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    # Tasks in process, as in the tests: the figures time the work itself (a
    # benchmark that measures the queue sets TASKS_BACKEND for its servers).
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": plain}, WHITENOISE_USE_FINDERS=True, TASKS=immediate
    ).enable()

    call_command("migrate", verbosity=0)


def _create_database_on(url: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base = url.rpartition("/")[0] + "/postgres"
    conn = psycopg2.connect(base.replace("postgres://", "postgresql://", 1))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    """p50 and p95 of a list of milliseconds."""
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def time_requests(client, url: str, repeat: int = 30) -> tuple[float, float, int]:
    """p50, p95 (ms) and the SQL query count of GET url through the full stack."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    connection.queries_log.clear()  # a full log (maxlen) would capture nothing
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # now: the next request resets the log
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(samples)
    return p50, p95, queries


def row(*cells) -> str:
    return " | ".join(str(c) for c in cells)


class Sink:
    """A file-like object that only counts what is written to it."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)
        return len(data)


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _start_env() -> dict:
    return dict(os.environ, DATABASE_URL=ORIGINAL_URL) if ORIGINAL_URL else dict(os.environ)


def seed(suffix: str, region: int | None) -> float:
    """``seed_demo`` (with a synthetic region of ``region`` municipalities) into
    the benchmark database ``suffix``, in a subprocess; returns its seconds."""
    code = (
        "import sys; sys.path.insert(0, '.'); from bench._common import setup_django; "
        f"setup_django({suffix!r}); from django.core.management import call_command; "
        f"call_command('seed_demo', region={region!r}, quiet_accounts=True)"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=_start_env(), cwd=HERE)
    return time.perf_counter() - started


def run_worker(script: str, task: str, arg: str, suffix: str, tree: str = "") -> dict:
    """``script --worker task arg suffix`` in a fresh subprocess, so its peak
    RSS belongs to that measurement alone; ``tree``: another checkout whose
    code it measures instead of ours (BENCH_CODE_ROOT)."""
    env = _start_env()
    env.pop("LEANEDU_EMBEDDED_DB", None)
    env.pop("BENCH_CODE_ROOT", None)
    if tree:
        env["BENCH_CODE_ROOT"] = str(Path(tree).resolve())
    done = subprocess.run(
        [sys.executable, script, "--worker", task, arg, suffix], capture_output=True, text=True, env=env
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"{task} {arg} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def worker(tasks: dict, task: str, arg: str, suffix: str) -> None:
    """The measuring subprocess: Django on the benchmark database, one task,
    its result with the peak RSS on stdout for ``run_worker``."""
    setup_django(suffix)
    result = tasks[task](arg)
    result["peak_rss_mb"] = rss_mb()
    print("RESULT " + json.dumps(result))
