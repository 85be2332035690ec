"""The API and the open data sets at demo and region scale.

    .venv/bin/python bench/bench_api.py

Seeds the demo and a synthetic region (45 municipalities × 45 organisations ×
20 indicators × 20 quarters ≈ 810,000 values; one year ≈ 162,000) into the
benchmark databases, then measures in a fresh subprocess each (so its peak RSS
belongs to that measurement alone):
- the SQL queries of every list endpoint at both scales (they must not differ);
- a page of 1,000 approved values at region scale, against PostgreSQL COPY of
  the same 1,000 rows;
- the open data set of one year's approved values, streamed, against COPY of
  the same rows, with peak memory.
Figures are printed, never asserted."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import Sink, percentiles, row, rss_mb, run_worker, seed, worker  # noqa: E402


def _client():
    from django.conf import settings
    from django.test import Client

    settings.API_ANON_RATE = ""  # measuring, not throttling
    return Client()


def task_queries(_arg: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from api.urls import measured_urls
    from indicators.models import Value
    from leanedu.models import Organization

    municipality = Organization.objects.municipalities().order_by("pk").first().pk
    client, out = _client(), {"values": Value.objects.count(), "urls": measured_urls()}
    for template in out["urls"]:
        url = template.format(year=2025, municipality=municipality)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - started
        assert response.status_code == 200, url
        out[template] = [len(ctx.captured_queries), seconds * 1000]
    return out


PAGE_URL = "/api/v1/values/?period=2025&page_size=1000"
PAGE_COPY = """
COPY (
  SELECT v.id, i.code, p.kind, p.year, p.number, v.organization_id, o.municipality_id, v.value, v.status, v.updated_at
  FROM indicators_value v
  JOIN indicators_indicator i ON i.id = v.indicator_id
  JOIN indicators_period p ON p.id = v.period_id
  JOIN leanedu_organization o ON o.id = v.organization_id
  WHERE v.status = 'approved' AND p.starts_on >= '2025-01-01' AND p.ends_on <= '2025-12-31'
  ORDER BY v.id DESC LIMIT 1000
) TO STDOUT WITH (FORMAT csv)
"""


def task_page(_arg: str) -> dict:
    from django.db import connection

    client = _client()
    samples = []
    for _n in range(12):
        started = time.perf_counter()
        response = client.get(PAGE_URL)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and len(response.json()["results"]) == 1000
    copies = []
    for _n in range(12):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(PAGE_COPY, Sink())
        copies.append((time.perf_counter() - started) * 1000)
    api50, api95 = percentiles(samples[2:])
    copy50, copy95 = percentiles(copies[2:])
    return {"api_p50": api50, "api_p95": api95, "copy_p50": copy50, "copy_p95": copy95, "bytes": len(response.content)}


YEAR_COPY = """
COPY (
  SELECT v.id, v.organization_id, o.short_name, o.municipality_id, m.short_name, i.code, i.name, i.unit,
         p.kind || p.year || p.number, p.starts_on, p.ends_on, v.value
  FROM indicators_value v
  JOIN indicators_indicator i ON i.id = v.indicator_id
  JOIN indicators_period p ON p.id = v.period_id
  JOIN leanedu_organization o ON o.id = v.organization_id
  LEFT JOIN leanedu_organization m ON m.id = o.municipality_id
  WHERE v.status = 'approved' AND p.year = 2025
  ORDER BY v.id
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


def task_year(_arg: str) -> dict:
    from opendata.datasets import BY_CODE, approved_values, csv_lines, value_rows

    dataset = BY_CODE["indicator-values"]
    before = rss_mb()
    started = time.perf_counter()
    sink, lines = Sink(), 0
    header = [c.name for c in dataset.columns]
    for chunk in csv_lines(header, value_rows("https://lean.example.org", approved_values(2025))):
        sink.write(chunk.encode())
        lines += chunk.count("\r\n")
    return {"seconds": time.perf_counter() - started, "rows": lines - 1, "bytes": sink.size, "rss0": before}


def task_year_copy(_arg: str) -> dict:
    from django.db import connection

    before = rss_mb()
    started = time.perf_counter()
    sink = Sink()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(YEAR_COPY, sink)
        rows = cursor.cursor.rowcount
    return {"seconds": time.perf_counter() - started, "rows": rows, "bytes": sink.size, "rss0": before}


def task_endpoint(_arg: str) -> dict:
    """The whole open data file through the view (all years), streamed."""
    from opendata.datasets import BY_CODE

    client = _client()
    dataset = BY_CODE["indicator-values"]
    version, count, _last = dataset.version()
    url = f"/opendata/{dataset.identifier}/{dataset.data_name(version)}"
    before = rss_mb()
    started = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    return {"seconds": time.perf_counter() - started, "rows": count, "bytes": size, "rss0": before}


TASKS = {
    "queries": task_queries,
    "page": task_page,
    "year": task_year,
    "year_copy": task_year_copy,
    "endpoint": task_endpoint,
}


def run(task: str, arg: str = "-", suffix: str = "bench") -> dict:
    return run_worker(__file__, task, arg, suffix)


def main() -> None:
    print("== seeding: demo database, then the region (45 municipalities × 45 organisations)")
    seed("benchdemo", None)
    print(f"region seed (idempotent): {seed('bench', 45):.1f} s")

    print("\n== SQL queries of every list endpoint (anonymous), demo vs region")
    demo, region = run("queries", suffix="benchdemo"), run("queries", suffix="bench")
    print(row("endpoint", f"demo ({demo['values']} values)", f"region ({region['values']} values)", "region ms"))
    for url in demo["urls"]:
        print(row(url, demo[url][0], region[url][0], f"{region[url][1]:.0f}"))

    print("\n== a page of 1,000 approved values at region scale vs COPY of the same rows (ms, p50 / p95)")
    page = run("page")
    print(row("API page", f"{page['api_p50']:.0f} / {page['api_p95']:.0f} ms", f"{page['bytes']} bytes"))
    print(row("COPY TO STDOUT", f"{page['copy_p50']:.1f} / {page['copy_p95']:.1f} ms"))

    print("\n== open data set of one year's approved values (2025), streamed, vs COPY")
    year, copy = run("year"), run("year_copy")
    for name, r in (("open data CSV (stream)", year), ("COPY TO STDOUT", copy)):
        print(
            row(
                name,
                f"{r['rows']} rows",
                f"{r['seconds']:.2f} s",
                f"{r['bytes'] / 1e6:.1f} MB",
                f"peak RSS {r['peak_rss_mb']:.0f} MB (start {r['rss0']:.0f} MB)",
            )
        )
    print(f"open data / COPY time: {year['seconds'] / copy['seconds']:.2f}×")
    whole = run("endpoint")
    print(
        row(
            "whole set through the view (all years)",
            f"{whole['rows']} rows",
            f"{whole['seconds']:.2f} s",
            f"{whole['bytes'] / 1e6:.1f} MB",
            f"peak RSS {whole['peak_rss_mb']:.0f} MB (start {whole['rss0']:.0f} MB)",
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(TASKS, *sys.argv[2:5])
    else:
        main()
