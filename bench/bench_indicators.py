"""Indicators at region scale: exports, import and the dashboard.

    .venv/bin/python bench/bench_indicators.py

Seeds a synthetic region (45 municipalities × 45 organisations × 20
indicators × 20 quarters ≈ 810,000 values) into the benchmark database, then
runs every measurement in a fresh subprocess so that its peak RSS
(``ru_maxrss``) belongs to that measurement alone. Figures are printed, never
asserted."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import row, setup_django  # noqa: E402

ORIGINAL_URL = os.environ.get("DATABASE_URL", "")


class Sink:
    """A file-like object that only counts what is written to it."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)
        return len(data)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def whole_range_period():
    """An unsaved period spanning 2022–2026: ``within`` selects every value."""
    import datetime

    from indicators.models import Period, PeriodKind

    return Period(
        kind=PeriodKind.YEAR, year=2022, starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )


def values_for(size: str):
    from django.contrib.auth import get_user_model

    from indicators.models import Period, Value

    office = get_user_model().objects.get(username="office")
    values = Value.objects.reportable_by(office)
    if size == "year":
        return values, Period.from_code("2025")
    period = whole_range_period()
    if size == "all":
        return values, period
    # ~100,000 rows: the first 250 organisations of the region (400 values each).
    from leanedu.models import Organization

    orgs = list(Organization.objects.education().order_by("pk").values_list("pk", flat=True)[:250])
    return values.filter(organization_id__in=orgs), period


def task_csv(size: str) -> dict:
    from indicators.exports import csv_stream

    values, period = values_for(size)
    before = rss_mb()
    started = time.perf_counter()
    sink, lines = Sink(), 0
    for chunk in csv_stream(values, period):
        sink.write(chunk)
        lines += chunk.count(b"\r\n")
    return {"seconds": time.perf_counter() - started, "rows": lines - 1, "bytes": sink.size, "rss0": before}


COPY_SQL = """
COPY (
  SELECT m.short_name, o.short_name, o.id, i.code, i.name, i.unit,
         p.kind || ' ' || p.number || ' ' || p.year,
         to_char(p.starts_on, 'DD.MM.YYYY'), to_char(p.ends_on, 'DD.MM.YYYY'),
         replace(v.value::text, '.', ','), v.status, v.comment
  FROM indicators_value v
  JOIN indicators_period p ON p.id = v.period_id
  JOIN indicators_indicator i ON i.id = v.indicator_id
  JOIN leanedu_organization o ON o.id = v.organization_id
  LEFT JOIN leanedu_organization m ON m.id = o.municipality_id
  WHERE p.starts_on >= '{start}' AND p.ends_on <= '{end}'
  ORDER BY m.short_name, o.short_name, o.id, p.starts_on, p.ends_on, i.sort_order, i.id
) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER true)
"""


def task_copy(size: str) -> dict:
    from django.db import connection

    _values, period = values_for(size)
    before = rss_mb()
    started = time.perf_counter()
    sink = Sink()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(COPY_SQL.format(start=period.starts_on, end=period.ends_on), sink)
        rows = cursor.cursor.rowcount
    return {"seconds": time.perf_counter() - started, "rows": rows, "bytes": sink.size, "rss0": before}


def task_xlsx(size: str) -> dict:
    from indicators.exports import flat_xlsx

    values, period = values_for(size)
    before = rss_mb()
    started = time.perf_counter()
    path = flat_xlsx(values, period)
    seconds = time.perf_counter() - started
    size_bytes = os.path.getsize(path)
    os.unlink(path)
    return {"seconds": seconds, "bytes": size_bytes, "rss0": before, "rows": values.within(period).count()}


def _official(kind: str, scope: str) -> dict:
    """The official report of 2025 as the office reads it: ``scope`` "region"
    (every municipality) or "municipality" (the first one)."""
    from django.contrib.auth import get_user_model

    from indicators.exports import official_xlsx
    from indicators.models import Period
    from indicators.official import official_report
    from indicators.pdf import official_pdf
    from leanedu.models import Organization

    office = get_user_model().objects.get(username="office")
    period = Period.from_code("2025")
    municipality = None
    if scope == "municipality":
        municipality = (
            Organization.objects.municipalities().filter(short_name__startswith="Синт").order_by("pk").first()
            or Organization.objects.municipalities().order_by("pk").first()
        )
    before = rss_mb()
    started = time.perf_counter()
    report = official_report(office, period, municipality)
    path = (official_xlsx if kind == "xlsx" else official_pdf)(report)
    seconds = time.perf_counter() - started
    size_bytes = os.path.getsize(path)
    pages = None
    if kind == "pdf":
        from pypdf import PdfReader

        pages = len(PdfReader(path).pages)
    os.unlink(path)
    return {"seconds": seconds, "bytes": size_bytes, "rss0": before, "pages": pages}


def task_official(scope: str) -> dict:
    return _official("xlsx", scope)


def task_official_pdf(scope: str) -> dict:
    return _official("pdf", scope)


def task_stock_xlsx(size: str) -> dict:
    """What the admin's export button does: the ValueResource over the admin
    changelist queryset, exported by tablib to XLSX."""
    from import_export.formats.base_formats import XLSX

    from indicators.resources import ValueResource

    values, period = values_for(size)
    queryset = values.within(period).select_related("indicator", "period", "organization", "reviewed_by")
    before = rss_mb()
    started = time.perf_counter()
    dataset = ValueResource().export(queryset=queryset)
    data = XLSX().export_data(dataset)
    return {"seconds": time.perf_counter() - started, "bytes": len(data), "rss0": before, "rows": len(dataset)}


def task_import(rows: str) -> dict:
    """Preview and apply an import of ``rows`` values into a period without
    values, for extra organisations created for it; all rolled back."""
    import tempfile

    import xlsxwriter
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from indicators.imports import HEADER_MARK, import_preview, values_import
    from indicators.models import Indicator, Period, PeriodKind
    from leanedu.models import Organization, OrganizationKind

    wanted = int(rows)
    office = get_user_model().objects.get(username="office")
    period = Period.ensure(PeriodKind.HALF, 2025, 1)
    codes = list(Indicator.objects.entered().values_list("code", flat=True))
    result = {}
    with transaction.atomic():
        region = Organization.objects.get(kind=OrganizationKind.REGION_AUTHORITY, parent=None)
        muni = Organization.objects.create(
            short_name="Бенчмарк импорта", full_name="Бенчмарк импорта", kind="municipal", parent=region
        )
        Organization.objects.bulk_create(
            [
                Organization(
                    short_name=f"ОО импорта {n}",
                    full_name=f"ОО импорта {n}",
                    kind="school",
                    parent=muni,
                    municipality=muni,
                )
                for n in range(wanted // len(codes) + 1)
            ]
        )
        orgs = list(Organization.objects.filter(municipality=muni).exclude(pk=muni.pk).values_list("pk", flat=True))
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
        handle.close()
        book = xlsxwriter.Workbook(handle.name, {"constant_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(
            0, 0, [HEADER_MARK, "Организация", "Код показателя", "Показатель", "Единица", "Значение", "Комментарий"]
        )
        n = 0
        for org in orgs:
            for code in codes:
                if n == wanted:
                    break
                n += 1
                sheet.write_row(n, 0, [org, "", code, "", "", (n % 90) + 1, ""])
        book.close()
        result["rows"] = n
        with open(handle.name, "rb") as source:
            started = time.perf_counter()
            preview = import_preview(actor=office, source=source, period=period)
            result["preview_seconds"] = time.perf_counter() - started
            result["errors"] = len(preview.errors)
        with open(handle.name, "rb") as source:
            started = time.perf_counter()
            applied = values_import(actor=office, source=source, period=period)
            result["apply_seconds"] = time.perf_counter() - started
            result["created"] = applied.to_create
        os.unlink(handle.name)
        transaction.set_rollback(True)
    return result


def task_dashboard(_arg: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from indicators.models import Indicator, Period, Value

    client = Client()
    year = Period.from_code("2025")
    out = {"values": Value.objects.count()}
    for name, url in (
        ("dashboard", f"/indicators/?period={year.pk}"),
        ("detail", f"/indicators/{Indicator.objects.entered().first().code}/?period={year.pk}"),
    ):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            out[f"{name}_seconds"] = time.perf_counter() - started
        assert response.status_code == 200
        out[f"{name}_queries"] = len(ctx.captured_queries)
    return out


TASKS = {
    "csv": task_csv,
    "copy": task_copy,
    "xlsx": task_xlsx,
    "official": task_official,
    "official_pdf": task_official_pdf,
    "stock_xlsx": task_stock_xlsx,
    "import": task_import,
    "dashboard": task_dashboard,
}


def worker(task: str, arg: str, suffix: str) -> None:
    setup_django(suffix)
    result = TASKS[task](arg)
    result["peak_rss_mb"] = rss_mb()
    print("RESULT " + json.dumps(result))


def run(task: str, arg: str, suffix: str = "bench") -> dict:
    env = dict(os.environ, DATABASE_URL=ORIGINAL_URL) if ORIGINAL_URL else dict(os.environ)
    env.pop("LEANEDU_EMBEDDED_DB", None)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", task, arg, suffix], capture_output=True, text=True, env=env
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"{task} {arg} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def seed(suffix: str, region: int | None) -> float:
    env = dict(os.environ, DATABASE_URL=ORIGINAL_URL) if ORIGINAL_URL else dict(os.environ)
    code = (
        "import sys; sys.path.insert(0, '.'); from bench._common import setup_django; "
        f"setup_django({suffix!r}); from django.core.management import call_command; "
        f"call_command('seed_demo', region={region!r}, quiet_accounts=True)"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).resolve().parent.parent)
    return time.perf_counter() - started


def main() -> None:
    print("== seeding: demo database, then the region (45 municipalities × 45 organisations)")
    seed("benchdemo", None)
    print(f"region seed (idempotent; first run inserts ≈810,000 values): {seed('bench', 45):.1f} s")

    print("\n== dashboard: SQL queries at demo and at region scale")
    for suffix in ("benchdemo", "bench"):
        d = run("dashboard", "-", suffix)
        print(
            row(
                f"{suffix}: {d['values']} values",
                f"dashboard {d['dashboard_queries']} queries, {d['dashboard_seconds'] * 1000:.0f} ms",
                f"indicator page {d['detail_queries']} queries, {d['detail_seconds'] * 1000:.0f} ms",
            )
        )

    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    print(
        f"\n== one year (2025): CSV and XLSX ÷ PostgreSQL COPY of the same rows, measured in the same round "
        f"({rounds} rounds; the machine is shared, so ratios are given as min / median)"
    )
    csv_ratios, xlsx_ratios, stock_ratios = [], [], []
    for n in range(rounds):
        copy_year, csv_year, xlsx_year = run("copy", "year"), run("csv", "year"), run("xlsx", "year")
        csv_ratios.append(csv_year["seconds"] / copy_year["seconds"])
        xlsx_ratios.append(xlsx_year["seconds"] / copy_year["seconds"])
        line = (
            f"round {n + 1}: COPY {copy_year['rows']} rows {copy_year['seconds']:.2f} s | "
            f"CSV {csv_year['rows']} rows {csv_year['seconds']:.2f} s, peak RSS {csv_year['peak_rss_mb']:.0f} MB | "
            f"XLSX {xlsx_year['rows']} rows {xlsx_year['seconds']:.2f} s, peak RSS {xlsx_year['peak_rss_mb']:.0f} MB"
        )
        if n < 2:  # the stock export takes half a minute: two rounds are enough
            stock_year = run("stock_xlsx", "year")
            stock_ratios.append(stock_year["seconds"] / xlsx_year["seconds"])
            line += f" | stock django-import-export XLSX {stock_year['seconds']:.1f} s"
        print(line)

    def spread(ratios):
        return f"{min(ratios):.2f} / {statistics.median(ratios):.2f}×"

    print(f"CSV ÷ COPY: {spread(csv_ratios)} (target ≤ 1.3×)")
    print(f"XLSX ÷ COPY: {spread(xlsx_ratios)} (target ≤ 4×)")
    print(f"stock XLSX ÷ ours: {spread(stock_ratios)} (target ≥ 12×)")
    print("\n== the official report of 2025 (what an official signs)")
    for task, label in (("official", "XLSX"), ("official_pdf", "PDF")):
        for scope in ("municipality", "region"):
            result = run(task, scope)
            pages = f", {result['pages']} pages" if result.get("pages") else ""
            print(
                row(
                    f"official report {label}, {'one municipality' if scope == 'municipality' else 'whole region'}",
                    f"{result['seconds']:.2f} s",
                    f"peak RSS {result['peak_rss_mb']:.0f} MB",
                    f"{result['bytes'] / 1e6:.1f} MB{pages}",
                )
            )

    print("\n== peak memory at ≈100,000 vs ≈800,000 rows")
    for task in ("csv", "xlsx"):
        small, large = run(task, "subset"), run(task, "all")
        rows_small = small.get("rows")
        rows_large = large.get("rows")
        growth = (large["peak_rss_mb"] - small["peak_rss_mb"]) / small["peak_rss_mb"] * 100
        print(
            row(
                task.upper(),
                f"{rows_small} rows: {small['seconds']:.1f} s, peak RSS {small['peak_rss_mb']:.0f} MB",
                f"{rows_large} rows: {large['seconds']:.1f} s, peak RSS {large['peak_rss_mb']:.0f} MB",
                f"growth {growth:+.1f} % (target within 20 %)",
            )
        )

    print("\n== import of 50,000 values (rolled back afterwards)")
    imp = run("import", "50000")
    print(
        row(
            f"{imp['rows']} rows",
            f"preview {imp['preview_seconds']:.1f} s",
            f"apply {imp['apply_seconds']:.1f} s",
            f"errors {imp['errors']}, created {imp['created']}",
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:5])
    else:
        main()
