"""Registry benchmark: query counts and search latency at 10 and 10,000 documents.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_documents.py

Runs on its own database (``<name>_bench_documents``), never the development
one. Figures are printed, never asserted."""

from __future__ import annotations

import time

from _common import row, setup_django, time_requests

SEARCHES = ["опорная площадка", "внедрение бережливых технологий", "137-р", "15.03.2022"]


def count_queries(client, url: str) -> int:
    """SQL queries of one GET. (_common.time_requests reads its capture only
    after the timed requests have reset the query log, so it reports 0.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries)


def main() -> None:
    setup_django("bench_documents")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from documents import demo
    from documents.models import Document
    from leanedu.demo import SeedContext

    call_command("seed_demo", quiet_accounts=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    Document.objects.filter(number__startswith=demo.SYNTHETIC_NUMBER_PREFIX).delete()
    real = Document.objects.count()

    anonymous = Client()
    office = Client()
    office.force_login(get_user_model().objects.get(username="office"))
    pilot = Document.objects.get(number="137-р")

    for size in (10, 10_000):
        demo.SYNTHETIC_COUNT = size - real
        started = time.monotonic()
        demo.seed_region(SeedContext())
        seeded = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_document")
        total = Document.objects.count()
        print(f"\n== {total} documents (synthetic ones added in {seeded:.1f} s)")
        print(row("page", "who", "queries", "p50 ms", "p95 ms"))
        pages = [("/documents/", "list"), (pilot.get_absolute_url(), "detail")]
        pages += [(f"/documents/?q={q}", f"search «{q}»") for q in SEARCHES]
        for url, label in pages:
            for who, client in (("anonymous", anonymous), ("office", office)):
                p50, p95, _zero = time_requests(client, url)
                queries = count_queries(client, url)
                print(row(label, who, queries, f"{p50:.1f}", f"{p95:.1f}"))
        print("\nEXPLAIN ANALYZE of the search «опорная площадка» (anonymous):")
        queryset = Document.objects.visible_to(None).search("опорная площадка")[:20]
        print(queryset.explain(analyze=True))


if __name__ == "__main__":
    main()
