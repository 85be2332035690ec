"""Benchmark of the projects pages at demo scale and at region scale.

Prints the SQL query count and p50/p95 (ms, through the full Django stack with
the test client) of the showcase, a project card, the cabinet, the pilot sites
and the admin changelist. Each scale runs in its own process on its own
database (``<name>_bench_projects_demo`` / ``_region``), so the demo figures
are never measured over region data.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_projects.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import row, setup_django, time_requests  # noqa: E402

SCALES = {"demo": None, "region": 45}


def measure(scale: str) -> None:
    setup_django(f"bench_projects_{scale}")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from projects.models import Project

    started = time.monotonic()
    if SCALES[scale]:
        call_command("seed_demo", region=SCALES[scale], quiet_accounts=True, stdout=open("/dev/null", "w"))
    else:
        call_command("seed_demo", quiet_accounts=True, stdout=open("/dev/null", "w"))
    seeded = time.monotonic() - started
    User = get_user_model()
    card = Project.objects.filter(title="Сокращение времени подготовки контрольных работ").first()
    anonymous, coordinator, office = Client(), Client(), Client()
    coordinator.force_login(User.objects.get(username="coordinator"))
    office.force_login(User.objects.get(username="office"))
    pages = [
        ("showcase /projects/", anonymous, "/projects/"),
        ("showcase, filtered", anonymous, "/projects/?stage=implementation&kind=school&q=очеред"),
        ("project card", anonymous, card.get_absolute_url()),
        ("pilot sites", anonymous, "/pilot-sites/"),
        ("cabinet", coordinator, "/cabinet/"),
        ("admin changelist", office, "/admin/projects/project/"),
        ("admin review queue", office, "/admin/projects/submittedproject/"),
    ]
    print(f"\n== scale: {scale} — {Project.objects.count()} projects (seeded in {seeded:.1f} s)")
    print(row("page", "queries", "p50 ms", "p95 ms"))
    for label, client, url in pages:
        p50, p95, _unreliable = time_requests(client, url)
        print(row(label, count_queries(client, url), f"{p50:.1f}", f"{p95:.1f}"))


def count_queries(client, url: str) -> int:
    """SQL queries of one GET. ``time_requests`` reads its capture after the
    timed requests have reset the connection's query log (with DEBUG on, every
    request_started clears it), so its count reads 0; count here instead."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    for scale in SCALES:
        subprocess.run([sys.executable, __file__, scale], check=True)


if __name__ == "__main__":
    main()
