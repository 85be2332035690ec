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

from django.db import connection, transaction
from django.db.models import Case, FloatField, Func, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from indicators import conf
from indicators.models import Indicator, Period, ValueStatus
from indicators.xlsx import Cells, FastRowWorksheet, Workbook
from leanedu.formats import ru_date
from leanedu.models import Organization
from leanedu.spreadsheets import FORMULA_TRIGGERS, XLSXWRITER_OPTIONS

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

# The formula-safe rule for text cells (leanedu/spreadsheets.py, done here in
# SQL): a cell that a spreadsheet would read as a formula (it starts with one of
# the kernel's triggers) gets a leading apostrophe.
FORMULA_STARTS = FORMULA_TRIGGERS
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


def _workbook(path: str) -> Workbook:
    return Workbook(path, {"constant_memory": True, "default_date_format": "dd.mm.yyyy", **XLSXWRITER_OPTIONS})


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
    """Every value of the period as an XLSX sheet; returns the temp file's path.

    A row is four runs of cells (``FastRowWorksheet.cells``): the
    organisation's three, the indicator's three and the period's three are
    built once each and reused; only the value, status and comment vary. The
    rows come from a server-side cursor as ids and numbers (value as float8)."""
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
    rows = values.within(period)
    lookups = _Lookups(rows)
    cells = sheet.cells
    org_runs: dict[int, object] = {}
    indicator_runs: dict[int, object] = {}
    period_runs: dict[int, object] = {}
    status_runs: dict[str, object] = {}
    no_comment = cells(11, [None], [text])
    value_style = sheet._style(number)
    write = sheet.write_cells_row
    r = header_row
    qs = (
        rows.order_by(*FLAT_ORDER)
        .annotate(number=Cast("value", FloatField()))
        .values_list("organization_id", "indicator_id", "period_id", "number", "status", "comment")
    )
    # Inside a transaction the server-side cursor is a plain one: outside, Django
    # declares it WITH HOLD and PostgreSQL materialises the whole result first.
    with transaction.atomic():
        for r, (org_id, indicator_id, period_id, value, status, comment) in enumerate(  # noqa: B007
            qs.iterator(chunk_size=conf.export_chunk_size()), start=header_row + 1
        ):
            org = org_runs.get(org_id)
            if org is None:
                name, muni = lookups.orgs[org_id]
                org = org_runs[org_id] = cells(0, [muni, name, org_id], [text, text, integer])
            indicator = indicator_runs.get(indicator_id)
            if indicator is None:
                i = lookups.indicators[indicator_id]
                indicator = indicator_runs[indicator_id] = cells(
                    3, [i.code, i.name, lookups.units[indicator_id]], [text, text, text]
                )
            label = period_runs.get(period_id)
            if label is None:
                label = period_runs[period_id] = cells(6, list(lookups.period_labels[period_id]), [text, text, text])
            status_run = status_runs.get(status)
            if status_run is None:
                status_run = status_runs[status] = cells(10, [STATUS_LABELS.get(status, status)], [text])
            comment_run = cells(11, [comment], [text], shared=False) if comment else no_comment
            write(
                r,
                (
                    org,
                    indicator,
                    label,
                    Cells(('<c r="J', f'"{value_style}><v>{value:.16G}</v></c>'), 0, 9),
                    status_run,
                    comment_run,
                ),
            )
    sheet.autofilter(header_row, 0, r, len(FLAT_HEADER) - 1)
    workbook.close()
    return handle.name


def _print_setup(sheet, header_row: int, last_row: int, last_col: int) -> None:
    """A4 landscape, one page wide, the header repeated, «Стр. N из M», the
    print area and the panes frozen under the header."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.repeat_rows(header_row)
    sheet.set_footer("&CСтр. &P из &N")
    sheet.print_area(0, 0, last_row, last_col)
    sheet.freeze_panes(header_row + 1, 0)


def _heading(sheet, fmt, report, last_col: int, subtitle: str = "") -> int:
    """The heading rows (authority, title, period, legal basis); returns the next row."""
    lines = [
        (report.authority_name, fmt["h_authority"], 18),
        (report.title + (f". {subtitle}" if subtitle else ""), fmt["h_title"], 36),
        (report.period_line, fmt["h_period"], 18),
        (report.basis_line, fmt["h_basis"], 30),
    ]
    for r, (text, style, height) in enumerate(lines):
        sheet.set_row(r, height)
        sheet.merge_range(r, 0, r, last_col, text, style)
    return len(lines) + 1


def _official_formats(workbook) -> dict:
    base = {"border": 1, "valign": "top", "font_size": 10}
    group = {**base, "bold": True}
    fmt = {
        "h_authority": workbook.add_format({"bold": True, "align": "center", "font_size": 12}),
        "h_title": workbook.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "font_size": 13}
        ),
        "h_period": workbook.add_format({"align": "center", "font_size": 11}),
        "h_basis": workbook.add_format({"italic": True, "align": "center", "valign": "top", "text_wrap": True}),
        "header": workbook.add_format(
            {**base, "bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "bg_color": "#DDE4EE"}
        ),
        "text": workbook.add_format({**base, "text_wrap": True}),
        "center": workbook.add_format({**base, "align": "center"}),
        "sign": workbook.add_format({"font_size": 11}),
        "sign_date": workbook.add_format({"font_size": 11, "num_format": "dd.mm.yyyy", "align": "left"}),
    }
    for kind, color in (("total", "#C9D3E3"), ("subtotal", "#E4E9F1"), ("organization", "#F4F4F4")):
        fmt[kind] = workbook.add_format({**group, "bg_color": color})
        fmt[f"{kind}_text"] = workbook.add_format({**group, "bg_color": color, "text_wrap": True})
    for decimals in (0, 1, 2):
        fmt[f"num{decimals}"] = workbook.add_format(
            {**base, "num_format": "0" if not decimals else "0." + "0" * decimals}
        )
    return fmt


def official_xlsx(report) -> str:
    """The official report (``indicators.official.OfficialReport``) as XLSX,
    ready to print and sign: sheet «Отчёт» and sheet «Полнота отчётности».
    Returns the temp file's path."""
    from indicators.official import COMPLETENESS_HEADER, HEADER, decimals_of

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    workbook = _workbook(handle.name)
    workbook.set_properties(
        {"title": report.title, "author": report.signature.prepared_by, "company": report.authority_name}
    )
    fmt = _official_formats(workbook)
    last_col = len(HEADER) - 1

    sheet = workbook.add_worksheet("Отчёт", worksheet_class=FastRowWorksheet)
    for col, width in enumerate([7, 10, 62, 13, 13, 13, 13, 13]):
        sheet.set_column(col, col, width)
    header_row = _heading(sheet, fmt, report, last_col)
    sheet.set_row(header_row, 32)
    sheet.write_row(header_row, 0, HEADER, fmt["header"])
    r = header_row
    text, center = fmt["text"], fmt["center"]
    percent_fmt = fmt["num1"]
    units: dict[int, str] = {}
    for line in report.lines():
        r += 1
        if line.kind != "indicator":
            style = fmt[line.kind]
            sheet.write_plain_row(
                r,
                [None, None, line.title, None, None, None, None, None],
                [style, style, fmt[f"{line.kind}_text"], style, style, style, style, style],
            )
            continue
        indicator = line.indicator
        unit = units.get(indicator.pk)
        if unit is None:
            unit = units[indicator.pk] = unit_label(indicator)
        number = fmt[f"num{decimals_of(indicator)}"]
        sheet.write_plain_row(
            r,
            [
                line.number,
                indicator.code,
                indicator.name,
                unit,
                _float(line.baseline),
                _float(line.target),
                _float(line.fact),
                _float(line.percent),
            ],
            [center, center, text, center, number, number, number, percent_fmt],
        )
    r = _signature_block(sheet, fmt, report, r + 2)
    _print_setup(sheet, header_row, r, last_col)

    sheet = workbook.add_worksheet("Полнота отчётности", worksheet_class=FastRowWorksheet)
    for col, width in enumerate([7, 40, 60, 16, 16]):
        sheet.set_column(col, col, width)
    last = len(COMPLETENESS_HEADER) - 1
    header_row = _heading(sheet, fmt, report, last, "Полнота отчётности")
    sheet.set_row(header_row, 32)
    sheet.write_row(header_row, 0, COMPLETENESS_HEADER, fmt["header"])
    r = header_row
    for n, (muni, name, got, expected) in enumerate(report.missing(), start=1):
        r += 1
        sheet.write_plain_row(r, [n, muni, name, got, expected], [center, text, text, fmt["num0"], fmt["num0"]])
    if r == header_row:
        r += 1
        sheet.write_plain_row(
            r, [None, None, "Все организации представили утверждённые значения.", None, None], [text] * 5
        )
    _print_setup(sheet, header_row, r, last)
    workbook.close()
    return handle.name


def _signature_block(sheet, fmt, report, r: int) -> int:
    """Head of the body (signs), who prepared the report and their phone, the date."""
    sign, s = fmt["sign"], report.signature
    sheet.write_string(r, 1, s.head_position or "Руководитель", sign)
    sheet.write_string(r, 5, "______________", sign)
    sheet.write_string(r, 6, s.head_name, sign)
    r += 2
    prepared = ", ".join(part for part in (s.prepared_by, s.prepared_position) if part)
    sheet.write_string(r, 1, f"Исполнитель: {prepared}", sign)
    r += 1
    sheet.write_string(r, 1, f"Телефон: {s.phone}" if s.phone else "Телефон:", sign)
    r += 1
    sheet.write_string(r, 1, "Дата:", sign)
    sheet.write_datetime(r, 2, datetime.datetime.combine(s.date, datetime.time()), fmt["sign_date"])
    return r


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
