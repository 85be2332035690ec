"""Formula-safe spreadsheet cells: the one place that decides how a value is
written into every CSV and XLSX the portal produces (reports, admin exports,
project passports, proposal figures).

A spreadsheet runs a cell as a formula when its text begins with ``=``, ``+``,
``-`` or ``@`` (and some also after a tab or a carriage return), so a comment
such as ``=HYPERLINK(…)`` typed by a coordinator would run on an official's
computer. Following OWASP's CSV injection guidance:

- CSV: a text cell that begins with one of those characters gets a leading
  apostrophe (``'=HYPERLINK(…)``), which spreadsheets show as text;
- XLSX: text is always written as a string cell (never a formula), so it keeps
  its exact characters and still cannot run;
- numbers, dates and booleans stay typed in XLSX; in CSV a cell that is only a
  number (``-5``, ``-1,5``) is left alone, since it cannot hold a formula.

``csv_cell`` / ``csv_row`` are small pure functions meant to be called per cell
or per row by any writer; ``XLSXWRITER_OPTIONS`` and ``write_xlsx_cell`` serve
xlsxwriter; ``SafeCSV`` / ``SafeXLSX`` are the django-import-export formats
every admin import and export uses (settings.IMPORT_EXPORT_FORMATS)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from import_export.formats import base_formats

#: The first characters that make a spreadsheet evaluate a cell (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A plain number as a CSV carries it (sign, digits, group spaces, one decimal mark):
# nothing a spreadsheet could run, so a negative number keeps its sign unprefixed.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?(?:[eE][+-]?\d+)?")

#: xlsxwriter workbook options: text is never turned into a formula, a number
#: or a link behind the writer's back.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would run ``text`` (or part of it) as a formula."""
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value):
    """The value as a CSV cell: formula-like text gets a leading apostrophe,
    anything else (numbers, dates, ordinary text) is returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable) -> list:
    """``csv_cell`` over a row."""
    return [csv_cell(value) for value in values]


def write_xlsx_cell(sheet, row: int, col: int, value, cell_format=None) -> None:
    """Write one cell with xlsxwriter by its Python type: text always as a
    string (never a formula), numbers, dates and booleans typed."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value), cell_format)
    elif isinstance(value, datetime.datetime | datetime.date):
        sheet.write_datetime(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def set_openpyxl_cell(cell, value) -> None:
    """Give an openpyxl cell ``value``: text as a string cell even when it
    begins with ``=`` (openpyxl would store it as a formula), characters XML
    cannot hold replaced by U+FFFD; numbers, dates and booleans typed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
        return
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if value is not None and not isinstance(value, int | float | Decimal | datetime.date | datetime.time | bool):
        value = str(value)
    cell.value = value
    if isinstance(value, datetime.datetime):
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, datetime.date):
        cell.number_format = "DD.MM.YYYY"


class SafeCSV(base_formats.CSV):
    """django-import-export's CSV with formula-like text cells neutralised."""

    def export_data(self, dataset, **kwargs):
        import tablib

        safe = tablib.Dataset(headers=csv_row(dataset.headers or []))
        for row in dataset:
            safe.append(csv_row(row))
        return safe.export("csv", **kwargs)


class SafeXLSX(base_formats.XLSX):
    """django-import-export's XLSX written cell by cell through
    ``set_openpyxl_cell``: a bold frozen header row, text as strings, numbers
    and dates typed (the admin hands over native values for this format)."""

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "Sheet1")[:31]
        bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        first = 1
        if dataset.headers:
            first = 2
            for c, header in enumerate(dataset.headers, start=1):
                cell = sheet.cell(row=1, column=c)
                set_openpyxl_cell(cell, header)
                cell.font = bold
            sheet.freeze_panes = "A2"
        for r, row in enumerate(dataset, start=first):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                set_openpyxl_cell(cell, value)
                if isinstance(value, str) and "\n" in value:
                    cell.alignment = wrap
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()


# django-import-export hands native values (numbers, dates) only to the formats
# it lists as binary, comparing exact types: list ours there too.
if SafeXLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(SafeXLSX)

#: The formats of every admin import and export (settings.IMPORT_EXPORT_FORMATS).
FORMATS = [SafeCSV, SafeXLSX]
