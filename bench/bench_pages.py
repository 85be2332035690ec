"""One table: p50/p95 latency and SQL query count of every page at demo scale
and at region scale (seed_demo --region 45), next to the floor — a bare view
rendering a template through the full middleware stack.

    .venv/bin/python bench/bench_pages.py [--region 45] [--repeat 30]

Runs on its own database (leanedu_bench / <name>_bench), rebuilt from scratch."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import setup_django, time_requests  # noqa: E402

PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/documents/"),
    ("anonymous", "/documents/?q=бережливые+технологии"),
    ("anonymous", "/documents/{document}/"),
    ("anonymous", "/pilot-sites/"),
    ("anonymous", "/projects/"),
    ("anonymous", "/projects/{project}/"),
    ("anonymous", "/indicators/"),
    ("anonymous", "/proposals/new/"),
    ("anonymous", "/proposals/answered/"),
    ("coordinator", "/cabinet/"),
    ("official", "/reports/"),
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
    from projects.models import PUBLIC_STATUSES, Project

    # The same demo document and project at both scales, so counts compare.
    doc = Document.objects.filter(number="137-р").first() or Document.objects.filter(is_public=True).first()
    project = Project.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk").first()
    return {"document": str(doc.pk if doc else 0), "project": str(project.pk if project else 0)}


def measure(repeat: int) -> dict[tuple[str, str], tuple[float, float, int] | None]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    clients = {"anonymous": Client()}
    for role in ("coordinator", "official", "office"):
        clients[role] = Client()
        clients[role].force_login(users.get(username=role))
    values = placeholders()
    results = {("anonymous", "floor"): time_requests(clients["anonymous"], "/bench-floor/", repeat)}
    for who, template in PAGES:
        url = template.format(**values)
        try:
            results[(who, template)] = time_requests(clients[who], url, repeat)
        except AssertionError:
            results[(who, template)] = None  # the page is not there (yet) or not allowed
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", type=int, default=int(os.environ.get("BENCH_REGION", 45)))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls_floor"
    reset_database()
    started = time.monotonic()
    call_command("seed_demo", quiet_accounts=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo data: {time.monotonic() - started:.1f} s")
    demo = measure(args.repeat)
    started = time.monotonic()
    call_command("seed_demo", region=args.region, quiet_accounts=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"region data ({args.region} municipalities): {time.monotonic() - started:.1f} s")
    region = measure(args.repeat)

    floor_demo, floor_region = demo[("anonymous", "floor")][0], region[("anonymous", "floor")][0]
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| page | as | demo p50 ms | demo p95 ms | demo queries | region p50 ms | region p95 ms | region queries | region p50 / floor |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in [("anonymous", "floor"), *PAGES]:
        who, page = key
        d, r = demo.get(key), region.get(key)
        if d is None or r is None:
            print(f"| {page} | {who} | n/a | | | | | | |")
            continue
        ratio = r[0] / floor_region if floor_region else 0
        print(
            f"| {page} | {who} | {d[0]:.1f} | {d[1]:.1f} | {d[2]} | {r[0]:.1f} | {r[1]:.1f} | {r[2]} | {ratio:.1f}× |"
        )
    print(f"\nfloor p50: demo {floor_demo:.2f} ms, region {floor_region:.2f} ms")


if __name__ == "__main__":
    main()
