"""Indicators at region scale: exports, import and the dashboard.

    .venv/bin/python bench/bench_indicators.py                 # everything
    .venv/bin/python bench/bench_indicators.py --only exports  # XLSX ÷ COPY, stock ÷ ours, memory
    .venv/bin/python bench/bench_indicators.py --only official # the official report, XLSX and PDF
    BENCH_BEFORE=/work/main .venv/bin/python bench/bench_indicators.py --only exports

``--only`` measures a region already seeded (a full run seeds it). With
``BENCH_BEFORE`` (another checkout of the project, e.g. ``main`` before a
change) every figure of ours is measured interleaved with that tree's code on
the same database, round by round. Every figure is printed with the load
average of the machine at that moment (``os.getloadavg()``) and, beside wall
seconds, the CPU seconds of the measuring process (``time.process_time``):
on a shared machine CPU seconds move far less than wall seconds.

Seeds a synthetic region (45 municipalities × 45 organisations × 20
indicators × 20 quarters ≈ 810,000 values) into the benchmark database, then
runs every measurement in a fresh subprocess so that its peak RSS
(``ru_maxrss``) belongs to that measurement alone. Figures are printed, never
asserted."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

# This script and its helpers (bench._common) come from this checkout; the code
# it measures from BENCH_CODE_ROOT, put first on the path by setup_django (see BENCH_BEFORE).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import Sink, row, rss_mb, run_worker, seed, worker  # noqa: E402


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (a
    local server whose /proc we may read), else None. A COPY's work is the
    server's: on a shared machine CPU seconds compare where wall seconds
    (the server at nice 0, the benchmark at nice 10) do not."""
    from django.db import connection

    connection.ensure_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class Clock:
    """Wall seconds, this process's CPU seconds and its database backend's."""

    def __init__(self):
        self.db = backend_cpu()
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> dict:
        db = backend_cpu()
        out = {"seconds": time.perf_counter() - self.wall, "cpu": time.process_time() - self.cpu}
        if db is not None and self.db is not None:
            out["db_cpu"] = db - self.db
        return out


def load() -> str:
    return "load " + "/".join(f"{n:.1f}" for n in os.getloadavg())


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
    clock = Clock()
    sink, lines = Sink(), 0
    for chunk in csv_stream(values, period):
        sink.write(chunk)
        lines += chunk.count(b"\r\n")
    return {**clock.stop(), "rows": lines - 1, "bytes": sink.size, "rss0": before}


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
    clock = Clock()
    sink = Sink()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(COPY_SQL.format(start=period.starts_on, end=period.ends_on), sink)
        rows = cursor.cursor.rowcount
    return {**clock.stop(), "rows": rows, "bytes": sink.size, "rss0": before}


def task_xlsx(size: str) -> dict:
    from indicators.exports import flat_xlsx

    values, period = values_for(size)
    before = rss_mb()
    clock = Clock()
    path = flat_xlsx(values, period)
    times = clock.stop()
    size_bytes = os.path.getsize(path)
    os.unlink(path)
    return {**times, "bytes": size_bytes, "rss0": before, "rows": values.within(period).count()}


def task_xlsx_public(size: str, by_runs: bool = False) -> dict:
    """The same flat file through xlsxwriter's public API only (constant_memory,
    inline strings): ``write_string``/``write_number`` per cell, or with
    ``by_runs`` the cheapest use of it, ``write_row`` per run of cells that
    share a format (formats looked up once). What our fast path
    (indicators/xlsx.py, xlsxwriter internals) is measured against."""
    import tempfile

    from django.db import transaction
    from django.utils import timezone

    from indicators.exports import FLAT_HEADER, _formats, _title, _workbook, flat_rows

    values, period = values_for(size)
    before = rss_mb()
    clock = Clock()
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    workbook = _workbook(handle.name)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("Значения")
    _title(sheet, fmt, "Значения целевых показателей", period, timezone.localdate())
    sheet.write_row(4, 0, FLAT_HEADER, fmt["header"])
    sheet.freeze_panes(5, 0)
    text, number, integer = fmt["text"], fmt["number"], fmt["int"]
    formats = [text, text, integer, text, text, text, text, text, text, number, text, text]
    r = 4
    write_row, write_number = sheet.write_row, sheet.write_number
    with transaction.atomic():
        for r, row in enumerate(flat_rows(values, period), start=5):  # noqa: B007
            row[9] = float(row[9])
            if by_runs:
                write_row(r, 0, row[0:2], text)
                write_number(r, 2, row[2], integer)
                write_row(r, 3, row[3:9], text)
                write_number(r, 9, row[9], number)
                write_row(r, 10, (row[10], row[11] or None), text)
                continue
            for col, (value, cell_format) in enumerate(zip(row, formats, strict=True)):
                if value is None or value == "":
                    sheet.write_blank(r, col, None, cell_format)
                elif isinstance(value, str):
                    sheet.write_string(r, col, value, cell_format)
                else:
                    sheet.write_number(r, col, value, cell_format)
    sheet.autofilter(4, 0, r, len(FLAT_HEADER) - 1)
    workbook.close()
    times = clock.stop()
    size_bytes = os.path.getsize(handle.name)
    os.unlink(handle.name)
    return {**times, "bytes": size_bytes, "rss0": before, "rows": r - 4}


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
    clock = Clock()
    report = official_report(office, period, municipality)
    path = (official_xlsx if kind == "xlsx" else official_pdf)(report)
    times = clock.stop()
    size_bytes = os.path.getsize(path)
    pages = None
    if kind == "pdf":
        # The page count from the page tree near the file's start (fpdf2 writes it
        # first): reading the whole file with pypdf would add its size to the peak RSS.
        import re

        with open(path, "rb") as handle:
            found = re.search(rb"/Count (\d+)\s*/Kids", handle.read(1 << 20))
        pages = int(found.group(1)) if found else None
    os.unlink(path)
    return {**times, "bytes": size_bytes, "rss0": before, "pages": pages}


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
    clock = Clock()
    dataset = ValueResource().export(queryset=queryset)
    data = XLSX().export_data(dataset)
    return {**clock.stop(), "bytes": len(data), "rss0": before, "rows": len(dataset)}


def task_import(rows: str) -> dict:
    """Preview and apply an import of ``rows`` values into a period without
    values, for extra organisations created for it; all rolled back."""
    import tempfile

    import xlsxwriter
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from indicators.exports import TEMPLATE_HEADER
    from indicators.imports import import_preview, values_import
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
        sheet.write_row(0, 0, TEMPLATE_HEADER)
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
    "xlsx_public": task_xlsx_public,
    "xlsx_public_rows": lambda size: task_xlsx_public(size, by_runs=True),
    "official": task_official,
    "official_pdf": task_official_pdf,
    "stock_xlsx": task_stock_xlsx,
    "import": task_import,
    "dashboard": task_dashboard,
}


BEFORE = os.environ.get("BENCH_BEFORE", "")


def run(task: str, arg: str, suffix: str = "bench", tree: str = "") -> dict:
    """``task`` in a fresh subprocess (its own peak RSS); ``tree``: another
    checkout whose code (``indicators``…) this script measures instead of ours."""
    result = run_worker(__file__, task, arg, suffix, tree)
    result["load"] = load()
    return result


def secs(result: dict) -> str:
    cpu = f", CPU {result['cpu']:.2f} s" if "cpu" in result else ""
    db = f" + database {result['db_cpu']:.2f} s" if "db_cpu" in result else ""
    return f"{result['seconds']:.2f} s{cpu}{db}"


def total_cpu(result: dict) -> float | None:
    """CPU seconds of the measuring process and its database backend together."""
    if "cpu" not in result or "db_cpu" not in result:
        return None
    return result["cpu"] + result["db_cpu"]


def spread(ratios) -> str:
    return f"{min(ratios):.2f} / {statistics.median(ratios):.2f}×"


def exports_section(rounds: int) -> None:
    print(
        f"\n== one year (2025): CSV and XLSX ÷ PostgreSQL COPY of the same rows, measured in the same round "
        f"({rounds} rounds; the machine is shared, so ratios are given as min / median)"
    )
    csv_ratios, xlsx_ratios, stock_ratios, public_ratios, before_ratios = [], [], [], [], []
    cpu_ratios: dict[str, list[float]] = {"XLSX": [], "before": [], "public": [], "public_rows": [], "stock": []}

    def cpu_ratio(name: str, result: dict, base: dict) -> None:
        if total_cpu(result) and total_cpu(base):
            cpu_ratios[name].append(total_cpu(result) / total_cpu(base))

    for n in range(rounds):
        copy_year, csv_year, xlsx_year = run("copy", "year"), run("csv", "year"), run("xlsx", "year")
        csv_ratios.append(csv_year["seconds"] / copy_year["seconds"])
        xlsx_ratios.append(xlsx_year["seconds"] / copy_year["seconds"])
        cpu_ratio("XLSX", xlsx_year, copy_year)
        print(
            f"round {n + 1}: COPY {copy_year['rows']} rows {secs(copy_year)} ({copy_year['load']}) | "
            f"CSV {csv_year['rows']} rows {secs(csv_year)} ({csv_year['load']}) | "
            f"XLSX {xlsx_year['rows']} rows {secs(xlsx_year)}, peak RSS {xlsx_year['peak_rss_mb']:.0f} MB, "
            f"{xlsx_year['bytes'] / 1e6:.1f} MB ({xlsx_year['load']})"
        )
        if BEFORE:
            old = run("xlsx", "year", tree=BEFORE)
            before_ratios.append(old["seconds"] / copy_year["seconds"])
            cpu_ratio("before", old, copy_year)
            print(f"   before ({BEFORE}): XLSX {secs(old)}, peak RSS {old['peak_rss_mb']:.0f} MB ({old['load']})")
        if n == 0:  # the public API path takes ten times ours: one round
            public = run("xlsx_public", "year")
            cpu_ratio("public", public, xlsx_year)
            public_ratios.append(public["seconds"] / xlsx_year["seconds"])
            print(
                f"   the same file through xlsxwriter's public API, a cell at a time: {secs(public)}, "
                f"peak RSS {public['peak_rss_mb']:.0f} MB ({public['load']})"
            )
            rows = run("xlsx_public_rows", "year")
            cpu_ratio("public_rows", rows, xlsx_year)
            print(f"   … and write_row per run of cells of one format: {secs(rows)} ({rows['load']})")
        if n < 2:  # the stock export takes half a minute or more: two rounds are enough
            stock_year = run("stock_xlsx", "year")
            cpu_ratio("stock", stock_year, xlsx_year)
            stock_ratios.append(stock_year["seconds"] / xlsx_year["seconds"])
            print(
                f"   stock django-import-export XLSX {secs(stock_year)}, "
                f"peak RSS {stock_year['peak_rss_mb']:.0f} MB ({stock_year['load']})"
            )

    def cpu(name: str) -> str:
        return f"; CPU seconds (process + database): {spread(cpu_ratios[name])}" if cpu_ratios[name] else ""

    print(f"CSV ÷ COPY, wall: {spread(csv_ratios)} (target ≤ 1.3×)")
    print(f"XLSX ÷ COPY, wall: {spread(xlsx_ratios)}{cpu('XLSX')} (target ≤ 4×)")
    if before_ratios:
        print(f"XLSX ÷ COPY before ({BEFORE}), wall: {spread(before_ratios)}{cpu('before')}")
    print(f"xlsxwriter public API ÷ ours, wall: {spread(public_ratios)}{cpu('public')}")
    print(f"xlsxwriter public API by write_row ÷ ours{cpu('public_rows')}")
    print(f"stock XLSX ÷ ours, wall: {spread(stock_ratios)}{cpu('stock')} (target ≥ 12×)")


def official_section(rounds: int) -> None:
    print(f"\n== the official report of 2025 (what an official signs), {rounds} rounds, min / median")
    for task, label in (("official", "XLSX"), ("official_pdf", "PDF")):
        for scope in ("municipality", "region"):
            trees = [("", "now")] + ([(BEFORE, "before")] if BEFORE else [])
            for tree, name in trees:
                results = [run(task, scope, tree=tree) for _ in range(rounds)]
                walls = [r["seconds"] for r in results]
                cpus = [r["cpu"] for r in results if "cpu" in r]
                dbs = [r["db_cpu"] for r in results if "db_cpu" in r]
                peak = max(r["peak_rss_mb"] for r in results)
                pages = f", {results[0]['pages']} pages" if results[0].get("pages") else ""
                print(
                    row(
                        f"official report {label}, {'one municipality' if scope == 'municipality' else 'whole region'}"
                        + (f" ({name})" if BEFORE else ""),
                        f"wall {min(walls):.2f} / {statistics.median(walls):.2f} s",
                        f"CPU {min(cpus):.2f} / {statistics.median(cpus):.2f} s" if cpus else "CPU —",
                        f"database CPU {min(dbs):.2f} / {statistics.median(dbs):.2f} s" if dbs else "database CPU —",
                        f"peak RSS {peak:.0f} MB",
                        f"{results[0]['bytes'] / 1e6:.1f} MB{pages}",
                        "; ".join(r["load"] for r in results),
                    )
                )


def memory_section() -> None:
    print("\n== peak memory at ≈100,000 vs ≈800,000 rows")
    for task in ("csv", "xlsx"):
        small, large = run(task, "subset"), run(task, "all")
        rows_small = small.get("rows")
        rows_large = large.get("rows")
        growth = (large["peak_rss_mb"] - small["peak_rss_mb"]) / small["peak_rss_mb"] * 100
        print(
            row(
                task.upper(),
                f"{rows_small} rows: {small['seconds']:.1f} s, peak RSS {small['peak_rss_mb']:.0f} MB ({small['load']})",
                f"{rows_large} rows: {large['seconds']:.1f} s, peak RSS {large['peak_rss_mb']:.0f} MB ({large['load']})",
                f"growth {growth:+.1f} % (target within 20 %)",
            )
        )


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    if "--only" in sys.argv:
        section = sys.argv[sys.argv.index("--only") + 1]
        if section == "exports":
            exports_section(rounds)
            memory_section()
        elif section == "official":
            official_section(rounds)
        else:
            raise SystemExit(f"unknown section {section!r}: exports or official")
        return

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
                d["load"],
            )
        )

    exports_section(rounds)
    official_section(rounds)
    memory_section()

    print("\n== import of 50,000 values (rolled back afterwards)")
    imp = run("import", "50000")
    print(
        row(
            f"{imp['rows']} rows",
            f"preview {imp['preview_seconds']:.1f} s",
            f"apply {imp['apply_seconds']:.1f} s",
            f"errors {imp['errors']}, created {imp['created']}",
            imp["load"],
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(TASKS, *sys.argv[2:5])
    else:
        main()
