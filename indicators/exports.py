"""Report files, built from the reader's scoped querysets with bounded memory:
rows are fetched in chunks through a server-side cursor and written as they
come — CSV straight into the response stream, XLSX by xlsxwriter in
constant_memory mode into a temporary file that is then streamed."""

from __future__ import annotations

import csv
import datetime
import io
import queue
import tempfile
import threading
from collections.abc import Iterator

import xlsxwriter
from django.db import connection, transaction
from django.db.models import Case, Func, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from indicators import conf
from indicators.facts import RollUp, iter_org_facts
from indicators.models import Indicator, Period, ValueStatus
from indicators.xlsx import FastRowWorksheet
from leanedu.models import Organization

STATUS_LABELS = {
    ValueStatus.DRAFT: "черновик",
    ValueStatus.SUBMITTED: "на проверке",
    ValueStatus.APPROVED: "утверждено",
    ValueStatus.RETURNED: "возвращено",
}

FLAT_HEADER = [
    "Муниципалитет",
    "Организация",
    "ID организации",
    "Код показателя",
    "Показатель",
    "Единица измерения",
    "Период",
    "Начало периода",
    "Конец периода",
    "Значение",
    "Статус",
    "Комментарий",
]

OFFICIAL_HEADER = [
    "№ п/п",
    "Показатель",
    "Единица измерения",
    "Базовое значение",
    "Целевое значение",
    "Факт",
    "% выполнения",
]


def ru_date(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def unit_label(indicator: Indicator) -> str:
    return str(indicator.get_unit_display())


class _Lookups:
    """Names of indicators, periods and organisations, fetched once per file so
    the row query returns ids and numbers only (the bulk of the rows is cheap)."""

    def __init__(self, values):
        self.indicators = {i.pk: i for i in Indicator.objects.all()}
        self.units = {pk: unit_label(i) for pk, i in self.indicators.items()}
        self.periods = {p.pk: p for p in Period.objects.all()}
        self.period_labels = {
            pk: (str(p.label), ru_date(p.starts_on), ru_date(p.ends_on)) for pk, p in self.periods.items()
        }
        org_ids = values.order_by().values("organization_id").distinct()
        self.orgs = {
            pk: (name, muni or "")
            for pk, name, muni in Organization.objects.filter(pk__in=org_ids).values_list(
                "pk", "short_name", "municipality__short_name"
            )
        }


FLAT_ORDER = (
    "organization__municipality__short_name",
    "organization__short_name",
    "organization_id",
    "period__starts_on",
    "period__ends_on",
    "indicator__sort_order",
    "indicator_id",
)


def flat_rows(values, period: Period) -> Iterator[list]:
    """Every value of ``period`` (and its quarters…) as a list of cells."""
    qs = (
        values.within(period)
        .order_by(*FLAT_ORDER)
        .values_list("organization_id", "indicator_id", "period_id", "value", "status", "comment")
    )
    lookups = _Lookups(values.within(period))
    indicators, units, periods, orgs = lookups.indicators, lookups.units, lookups.period_labels, lookups.orgs
    for org_id, indicator_id, period_id, value, status, comment in qs.iterator(chunk_size=conf.export_chunk_size()):
        org_name, muni_name = orgs[org_id]
        indicator = indicators[indicator_id]
        label, starts, ends = periods[period_id]
        yield [
            muni_name,
            org_name,
            org_id,
            indicator.code,
            indicator.name,
            units[indicator_id],
            label,
            starts,
            ends,
            value,
            STATUS_LABELS.get(status, status),
            comment,
        ]


# --- CSV: PostgreSQL's COPY of the scoped query --------------------------------------------

# The formula-safe rule for text cells: a cell that a spreadsheet would read
# as a formula (it starts with one of these) gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# COPY ends every record with "\n"; an embedded newline travels as "\r" + a
# private-use mark, so COPY quotes the field as the csv module would, and the
# stream turns it back after making the record ends CRLF.
_MARKED_NEWLINE = "\r\ue000"
_MARKED_BYTES = _MARKED_NEWLINE.encode()


class _SafeText(Func):
    """A text column as a CSV cell: formula-safe, newlines marked (see above)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        starts = ", ".join("%s" for _ in FORMULA_STARTS)
        marked = f"replace({sql}, E'\\n', %s)"
        return (
            f"CASE WHEN left({sql}, 1) IN ({starts}) THEN '''' || {marked} ELSE {marked} END",
            [*params, *FORMULA_STARTS, *params, _MARKED_NEWLINE, *params, _MARKED_NEWLINE],
        )


def _labels(field: str, labels: dict) -> Case:
    return Case(*(When(**{field: key}, then=Value(str(label))) for key, label in labels.items()), default=Value(""))


def csv_query(values, period: Period, separator: str = ";") -> tuple[str, tuple]:
    """SQL and parameters of the flat CSV's lines (header excluded): the same
    scoped rows and order as ``flat_rows``, every cell formatted in PostgreSQL
    (dates dd.mm.yyyy, a decimal comma unless the separator is a comma,
    Russian labels, formula-safe text)."""
    rows = values.within(period)
    periods = Period.objects.filter(pk__in=rows.order_by().values("period_id").distinct())
    units = {i.unit: unit_label(i) for i in Indicator.objects.all()}
    number = Cast("value", TextField())
    if separator != ",":
        number = Func(number, Value("."), Value(","), function="replace", output_field=TextField())
    qs = (
        rows.order_by(*FLAT_ORDER)
        .annotate(
            c_muni=_SafeText(Coalesce("organization__municipality__short_name", Value(""))),
            c_org=_SafeText("organization__short_name"),
            c_code=_SafeText("indicator__code"),
            c_name=_SafeText("indicator__name"),
            c_unit=_labels("indicator__unit", units),
            c_period=_labels("period_id", {p.pk: p.label for p in periods}),
            c_starts=Func("period__starts_on", Value("DD.MM.YYYY"), function="to_char", output_field=TextField()),
            c_ends=Func("period__ends_on", Value("DD.MM.YYYY"), function="to_char", output_field=TextField()),
            c_value=number,
            c_status=_labels("status", STATUS_LABELS),
            c_comment=_SafeText("comment"),
        )
        .values_list(
            "c_muni",
            "c_org",
            "organization_id",
            "c_code",
            "c_name",
            "c_unit",
            "c_period",
            "c_starts",
            "c_ends",
            "c_value",
            "c_status",
            "c_comment",
        )
    )
    return qs.query.sql_with_params()


class _Stopped(Exception):
    pass


class _CopySink:
    """COPY writes one row per call: gather them into ~64 KB chunks for the queue."""

    def __init__(self, chunks: queue.Queue, stop: threading.Event):
        self.chunks, self.stop, self.parts, self.size = chunks, stop, [], 0

    def write(self, data) -> None:
        if self.stop.is_set():
            raise _Stopped
        self.parts.append(data)
        self.size += len(data)
        if self.size >= 65536:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.chunks.put(b"".join(self.parts))
            self.parts, self.size = [], 0


_DONE = object()


def _copy_stream(sql: bytes) -> Iterator[bytes]:
    """Stream ``COPY (…) TO STDOUT``: a thread runs the COPY on this request's
    connection (psycopg2's ``copy_expert`` only writes to a file) into a small
    queue, so memory stays at a few chunks whatever the number of rows, and the
    first bytes leave before PostgreSQL has finished."""
    connection.ensure_connection()
    raw = connection.connection
    chunks: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()

    def run() -> None:
        sink = _CopySink(chunks, stop)
        try:
            with raw.cursor() as cursor:
                cursor.copy_expert(sql, sink)
            sink.flush()
            chunks.put(_DONE)
        except BaseException as exc:  # handed to the reading side
            chunks.put(exc)

    worker = threading.Thread(target=run, name="csv-copy", daemon=True)
    worker.start()
    finished = False
    try:
        while True:
            chunk = chunks.get()
            if chunk is _DONE:
                finished = True
                return
            if isinstance(chunk, BaseException):
                finished = True
                raise chunk
            yield chunk
    finally:
        if not finished:  # the client went away: stop the COPY, drop the connection it was using
            stop.set()
            while worker.is_alive():
                try:
                    chunks.get(timeout=0.1)
                except queue.Empty:
                    pass
            connection.close()
        worker.join()


def csv_stream(values, period: Period, separator: str = ";") -> Iterator[bytes]:
    """The flat CSV: UTF-8 with BOM, one header line, one CRLF line per value,
    streamed from PostgreSQL's ``COPY`` of the reader's scoped query. With ';'
    numbers use a decimal comma (Russian Excel), with ',' a point."""
    header = io.StringIO()
    csv.writer(header, delimiter=separator, lineterminator="\r\n").writerow(FLAT_HEADER)
    yield ("\ufeff" + header.getvalue()).encode()
    sql, params = csv_query(values, period, separator)
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
    copy = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER '{separator}', ENCODING 'UTF8')"
    for chunk in _copy_stream(copy.encode()):
        yield chunk.replace(b"\n", b"\r\n").replace(_MARKED_BYTES, b"\n")


def _workbook(path: str) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_numbers": False, "default_date_format": "dd.mm.yyyy"}
    )


def _formats(workbook):
    return {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "subtitle": workbook.add_format({"italic": True}),
        "date": workbook.add_format({"num_format": "dd.mm.yyyy", "align": "left"}),
        "header": workbook.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "border": 1,
                "bg_color": "#DDE4EE",
            }
        ),
        "text": workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "group": workbook.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"}),
        "int": workbook.add_format({"border": 1, "num_format": "0", "valign": "top"}),
        "number": workbook.add_format({"border": 1, "num_format": "#,##0.00", "valign": "top"}),
        "percent": workbook.add_format({"border": 1, "num_format": "0.0", "valign": "top"}),
    }


def _title(sheet, fmt, title: str, period: Period, exported: datetime.date) -> None:
    sheet.write_string(0, 0, title, fmt["title"])
    sheet.write_string(
        1, 0, f"Период: {period.label} ({ru_date(period.starts_on)} – {ru_date(period.ends_on)})", fmt["subtitle"]
    )
    sheet.write_string(2, 0, "Дата выгрузки:", fmt["subtitle"])
    sheet.write_datetime(2, 1, datetime.datetime.combine(exported, datetime.time()), fmt["date"])


def _float(value) -> float | None:
    return None if value is None else float(value)


def flat_xlsx(values, period: Period) -> str:
    """Every value of the period as an XLSX sheet; returns the temp file's path."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    workbook = _workbook(handle.name)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("Значения", worksheet_class=FastRowWorksheet)
    widths = [30, 40, 10, 10, 60, 12, 22, 12, 12, 14, 14, 40]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    _title(sheet, fmt, "Значения целевых показателей", period, timezone.localdate())
    header_row = 4
    sheet.write_row(header_row, 0, FLAT_HEADER, fmt["header"])
    sheet.freeze_panes(header_row + 1, 0)
    text, number, integer = fmt["text"], fmt["number"], fmt["int"]
    formats = [text, text, integer, text, text, text, text, text, text, number, text, text]
    write = sheet.write_plain_row
    r = header_row
    # Inside a transaction the server-side cursor is a plain one: outside, Django
    # declares it WITH HOLD and PostgreSQL materialises the whole result first.
    with transaction.atomic():
        for r, row in enumerate(flat_rows(values, period), start=header_row + 1):  # noqa: B007
            row[9] = float(row[9])
            write(r, row, formats)
    sheet.autofilter(header_row, 0, r, len(FLAT_HEADER) - 1)
    workbook.close()
    return handle.name


def official_xlsx(values, period: Period, *, municipality: Organization | None = None) -> str:
    """The office's official table (№ п/п, показатель, единица, базовое,
    целевое, факт, % выполнения) by municipality and by organisation, from
    approved values only. Returns the temp file's path."""
    approved = values.filter(status=ValueStatus.APPROVED)
    if municipality is not None:
        approved = approved.filter(organization__municipality=municipality)
    indicators = {i.pk: i for i in Indicator.objects.entered()}
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    workbook = _workbook(handle.name)
    fmt = _formats(workbook)
    exported = timezone.localdate()
    order = [
        "organization__municipality__short_name",
        "organization__municipality_id",
        "organization__short_name",
        "organization_id",
        "indicator__sort_order",
        "indicator_id",
    ]

    def start(sheet, title):
        for col, width in enumerate([8, 70, 14, 14, 14, 14, 13]):
            sheet.set_column(col, col, width)
        _title(sheet, fmt, title, period, exported)
        sheet.write_row(4, 0, OFFICIAL_HEADER, fmt["header"])
        sheet.freeze_panes(5, 0)
        return 5

    line_formats = [fmt["int"], fmt["text"], fmt["text"], fmt["number"], fmt["number"], fmt["number"], fmt["percent"]]
    group_formats = [fmt["group"]] * 7
    units = {pk: unit_label(i) for pk, i in indicators.items()}

    def write_line(sheet, r, number, indicator, baseline, target, fact, percent):
        sheet.write_plain_row(
            r,
            [
                number,
                indicator.name,
                units[indicator.pk],
                _float(baseline),
                _float(target),
                _float(fact),
                _float(percent),
            ],
            line_formats,
        )

    def write_group(sheet, r, title):
        sheet.write_plain_row(r, [None, title, None, None, None, None, None], group_formats)

    # Sheet 1: by municipality — organisations' facts rolled up per municipality, streamed in order.
    sheet = workbook.add_worksheet("По муниципалитетам", worksheet_class=FastRowWorksheet)
    r = start(sheet, "Целевые показатели результативности внедрения бережливых технологий по муниципалитетам")
    current_muni, buckets = None, {}

    def flush(r):
        if current_muni is None:
            return r
        write_group(sheet, r, current_muni)
        r += 1
        for n, (_indicator_id, bucket) in enumerate(
            sorted(buckets.items(), key=lambda item: (item[1].indicator.sort_order, item[0])), start=1
        ):
            write_line(sheet, r, n, bucket.indicator, bucket.baseline, bucket.target, bucket.fact, bucket.percent)
            r += 1
        return r

    for row, indicator, fact, _percent in iter_org_facts(approved, period, indicators, order):
        muni = row["organization__municipality__short_name"] or ""
        if muni != current_muni:
            r = flush(r)
            current_muni, buckets = muni, {}
        bucket = buckets.get(indicator.pk)
        if bucket is None:
            bucket = buckets[indicator.pk] = RollUp(indicator)
        bucket.add(fact, row["target"], row["baseline_value"])
    flush(r)

    # Sheet 2: by organisation.
    sheet = workbook.add_worksheet("По организациям", worksheet_class=FastRowWorksheet)
    r = start(sheet, "Целевые показатели результативности внедрения бережливых технологий по организациям")
    current_org, n = None, 0
    for row, indicator, fact, percent in iter_org_facts(approved, period, indicators, order):
        if row["organization_id"] != current_org:
            current_org, n = row["organization_id"], 0
            title = f"{row['organization__short_name']} ({row['organization__municipality__short_name'] or ''})"
            write_group(sheet, r, title)
            r += 1
        n += 1
        write_line(sheet, r, n, indicator, row["baseline_value"], row["target"], fact, percent)
        r += 1
    workbook.close()
    return handle.name


TEMPLATE_HEADER = [
    "ID организации",
    "Организация",
    "Код показателя",
    "Показатель",
    "Единица измерения",
    "Значение",
    "Комментарий",
]


def import_template_xlsx(organizations, period: Period) -> str:
    """A template to fill in: one line per organisation × entered indicator of the period's year."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    workbook = _workbook(handle.name)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("Значения", worksheet_class=FastRowWorksheet)
    for col, width in enumerate([14, 40, 14, 60, 14, 14, 40]):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, f"Период: {period.code}", fmt["title"])
    sheet.write_string(1, 0, f"Шаблон загрузки значений целевых показателей за {period.label}", fmt["subtitle"])
    sheet.write_row(3, 0, TEMPLATE_HEADER, fmt["header"])
    sheet.freeze_panes(4, 0)
    indicators = list(Indicator.objects.entered().active_in(period.year))
    units = {i.pk: unit_label(i) for i in indicators}
    plain = [None] * 5
    r = 4
    for org_id, name in (
        organizations.education()
        .order_by("municipality__short_name", "short_name")
        .values_list("pk", "short_name")
        .iterator(chunk_size=2000)
    ):
        for indicator in indicators:
            sheet.write_plain_row(r, [org_id, name, indicator.code, indicator.name, units[indicator.pk]], plain)
            r += 1
    workbook.close()
    return handle.name
