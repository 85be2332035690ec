"""One table: p50/p95 latency of every page at region scale (seed_demo
--region 45) divided by the floor measured interleaved with it by the same
client (anonymous or signed in), and SQL query counts at demo and region scale.

    .venv/bin/python bench/bench_pages.py [--region 45] [--repeat 30] [--rounds 3]

Runs on its own database (leanedu_bench / <name>_bench), rebuilt from scratch."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import percentiles, setup_django  # noqa: E402

PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/documents/"),
    ("anonymous", "/documents/?q=бережливые+технологии"),
    ("anonymous", "/documents/{document}/"),
    ("anonymous", "/pilot-sites/"),
    ("anonymous", "/projects/"),
    ("anonymous", "/projects/{project}/"),
    ("anonymous", "/indicators/"),
    ("anonymous", "/indicators/{indicator}/"),
    # Drill-through of computed figures: the same query count at both scales.
    ("anonymous", "/indicators/BT-C1/numerator/?period={year}"),
    ("anonymous", "/indicators/BT-C2/numerator/?period={year}"),
    ("anonymous", "/indicators/BT-C3/numerator/?period={year}"),
    ("anonymous", "/indicators/BT-C3/denominator/?period={year}"),
    ("anonymous", "/indicators/BT-C4/denominator/?period={year}"),
    ("anonymous", "/indicators/BT-19/numerator/?period={year}"),
    ("anonymous", "/proposals/new/"),
    ("anonymous", "/proposals/answered/"),
    ("coordinator", "/cabinet/"),
    ("coordinator", "/indicators/due/"),
    ("official", "/reports/"),
    ("office", "/reports/on-time/"),
    ("office", "/admin/documents/document/"),
    ("office", "/admin/projects/project/"),
    ("office", "/admin/indicators/value/"),
    ("office", "/admin/proposals/proposal/"),
    ("office", "/admin/leanedu/organization/"),
]


def reset_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def placeholders() -> dict[str, str]:
    from documents.models import Document
    from indicators.models import Indicator, Period
    from projects.models import PUBLIC_STATUSES, Project

    # The same demo document and project at both scales, so counts compare.
    doc = Document.objects.filter(number="137-р").first() or Document.objects.filter(is_public=True).first()
    project = Project.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk").first()
    year = Period.from_code("2025")
    indicator = Indicator.objects.entered().order_by("sort_order", "code").first()
    return {
        "document": str(doc.pk if doc else 0),
        "project": str(project.pk if project else 0),
        "year": str(year.pk if year else 0),
        "indicator": indicator.code if indicator else "none",
    }


def interleaved(client, url: str, repeat: int) -> dict:
    """p50/p95 of ``url`` and of the floor, requested alternately by the same
    client (so both see the same load on a shared machine), and the page's
    query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(FLOOR)
    client.get(url)  # warm-up (fills the fragment cache of a public page, as in production)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # now: the next request resets the log
    assert response.status_code == 200, (url, response.status_code)
    page, floor = [], []
    for _ in range(repeat):
        for target, samples in ((FLOOR, floor), (url, page)):
            started = time.perf_counter()
            client.get(target)
            samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(page)
    f50, f95 = percentiles(floor)
    return {"p50": p50, "p95": p95, "f50": f50, "f95": f95, "queries": queries}


FLOOR = "/bench-floor/"


def measure(repeat: int, rounds: int) -> dict[tuple[str, str], list[dict] | None]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    clients = {"anonymous": Client()}
    for role in ("coordinator", "official", "office"):
        clients[role] = Client()
        clients[role].force_login(users.get(username=role))
    values = placeholders()
    results: dict[tuple[str, str], list[dict] | None] = {}
    for who, template in PAGES:
        url = template.format(**values)
        try:
            results[(who, template)] = [interleaved(clients[who], url, repeat) for _ in range(rounds)]
        except AssertionError:
            results[(who, template)] = None  # the page is not there (yet) or not allowed
    return results


def ratios(runs: list[dict], key: str, floor_key: str) -> str:
    values = sorted(run[key] / run[floor_key] for run in runs)
    return f"{values[0]:.1f} / {statistics.median(values):.1f}×"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", type=int, default=int(os.environ.get("BENCH_REGION", 45)))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--reuse-region", action="store_true", help="measure the region already seeded (no demo column)"
    )
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls_floor"
    if args.reuse_region:
        # The benchmark database already holds the region (a previous run): measure it again.
        demo = region = measure(args.repeat, args.rounds)
    else:
        reset_database()
        started = time.monotonic()
        call_command("seed_demo", quiet_accounts=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"demo data: {time.monotonic() - started:.1f} s")
        demo = measure(args.repeat, args.rounds)
        started = time.monotonic()
        call_command("seed_demo", region=args.region, quiet_accounts=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"region data ({args.region} municipalities): {time.monotonic() - started:.1f} s")
        region = measure(args.repeat, args.rounds)

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"each page interleaved with the floor ({FLOOR}: a static page through base.html and the whole "
        f"middleware) by the same client, {args.repeat} pairs per round, {args.rounds} rounds; "
        "ratios as min / median over the rounds; ms from the median round"
    )
    print(
        "| page | as | queries demo / region | region p50 ms | region p95 ms | floor p50 / p95 ms "
        "| p50 ÷ floor | p95 ÷ floor | demo p95 ÷ floor |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in PAGES:
        who, page = key
        d, r = demo.get(key), region.get(key)
        if d is None or r is None:
            print(f"| {page} | {who} | n/a | | | | | | |")
            continue
        mid = sorted(r, key=lambda run: run["p95"] / run["f95"])[len(r) // 2]
        print(
            f"| {page} | {who} | {d[0]['queries']} / {r[0]['queries']} | {mid['p50']:.1f} | {mid['p95']:.1f} "
            f"| {mid['f50']:.1f} / {mid['f95']:.1f} | {ratios(r, 'p50', 'f50')} | {ratios(r, 'p95', 'f95')} "
            f"| {ratios(d, 'p95', 'f95')} |"
        )


if __name__ == "__main__":
    main()
