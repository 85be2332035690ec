"""A fast row path for xlsxwriter's constant_memory mode.

xlsxwriter spends most of an export in per-cell bookkeeping (argument
decorators, dimension checks, a cell tuple per value, regex escaping of every
string). Report rows repeat the same few thousand strings (organisation,
indicator and period names), so ``FastRowWorksheet.write_plain_row`` writes a
whole row of plain strings and numbers straight into the row XML, escaping
each distinct string once (a bounded cache). Everything else — the workbook,
styles, frozen panes, column widths, autofilter — is xlsxwriter's own.

For the largest files (a year's values: 163,000 rows × 12 cells),
``cells`` turns a run of cells that repeats from row to row (an
organisation's three cells, an indicator's, a period's) into XML pieces split
where the row number goes, with their styles resolved once, and
``write_cells_row`` writes a row as ``number.join(pieces)`` per run. Such
text goes into the workbook's shared strings (each distinct string stored
once, a cell is ``<v>index</v>``): 2.4× less XML to encode, copy and deflate
than inline strings. Rows are buffered and written in batches.

``Workbook`` deflates the file at zlib level 2 instead of the default 6:
for a year's values (72 MB of sheet XML) 0.15 CPU seconds instead of 0.61,
for a file of 7.4 MB instead of 6.3 MB (level 1 is no faster and makes 8.3
MB; docs/performance.md). xlsxwriter has no option for it (its zip file is
made inside ``Workbook._store_workbook``), so the level reaches the zip file
through the name xlsxwriter looks up, ``xlsxwriter.workbook.ZipFile``,
replaced once by a subclass that takes the level of the workbook being
stored in this thread (none given: zlib's default, as before).

Tied to the pinned xlsxwriter version (requirements.txt): it reaches into the
worksheet's row file, dimensions, the workbook's shared strings table and its
zip file, none of which is public API. ``bench/bench_indicators.py`` measures the same file
through xlsxwriter's public ``write_row`` (task ``xlsx_public``) for the
comparison. The tests open every file with openpyxl and check it cell by
cell. Text is always a string cell, never a formula (leanedu/spreadsheets.py
decides that for every file)."""

from __future__ import annotations

import re
import threading
import zipfile

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from leanedu.spreadsheets import write_xlsx_cell

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_CACHE_LIMIT = 50_000
_BUFFERED_ROWS = 500


_storing = threading.local()


class _LevelZipFile(zipfile.ZipFile):
    """The zip file xlsxwriter makes, at the deflate level of the ``Workbook``
    being stored in this thread (others: zlib's default)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compresslevel", getattr(_storing, "level", None))
        super().__init__(*args, **kwargs)


xlsxwriter.workbook.ZipFile = _LevelZipFile


class Workbook(xlsxwriter.Workbook):
    """An xlsxwriter workbook deflated at ``compresslevel`` (see the module's docstring)."""

    compresslevel = 2

    def _store_workbook(self) -> None:
        _storing.level = self.compresslevel
        try:
            super()._store_workbook()
        finally:
            _storing.level = None


class Cells:
    """A run of cells as XML pieces: ``number.join(pieces)`` is the run's XML
    in the row ``number`` (1-based, as text). ``shared`` counts the run's
    references to shared strings, ``last`` is its last column (-1 if empty)."""

    __slots__ = ("pieces", "shared", "last")

    def __init__(self, pieces: tuple[str, ...], shared: int, last: int) -> None:
        self.pieces, self.shared, self.last = pieces, shared, last


class FastRowWorksheet(Worksheet):
    """A worksheet with ``write_plain_row`` for constant_memory workbooks."""

    def __init__(self) -> None:
        super().__init__()
        self._fast_cells: dict[str, str] = {}
        self._fast_columns: list[str] = [xl_col_to_name(c) for c in range(64)]
        self._fast_pieces: dict[tuple, list[tuple[str, str, bool]]] = {}
        self._fast_styles: dict[int, str] = {}
        self._fast_rows: list[str] = []

    def _fast_string(self, text: str) -> str:
        cached = self._fast_cells.get(text)
        if cached is None:
            if len(self._fast_cells) >= _CACHE_LIMIT:
                self._fast_cells.clear()
            escaped = text
            if _CONTROL.search(escaped):
                escaped = self._escape_control_characters(escaped)
            escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if escaped != escaped.strip() else ""
            cached = f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'
            self._fast_cells[text] = cached
        return cached

    def _pieces(self, formats) -> list[tuple[str, str, bool]]:
        """Per column: the cell's opening ``<c r="A``, what follows the row
        number (its style attribute) and whether it has a style — resolved once
        per list of formats, not once per cell."""
        key = tuple(map(id, formats))
        pieces = self._fast_pieces.get(key)
        if pieces is None:
            pieces = []
            for col, fmt in enumerate(formats):
                style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
                pieces.append((f'<c r="{self._fast_columns[col]}', f'"{style}', bool(style)))
            self._fast_pieces[key] = pieces
        return pieces

    def _style(self, fmt) -> str:
        """A format's style attribute, resolved once per format."""
        if fmt is None:
            return ""
        style = self._fast_styles.get(id(fmt))
        if style is None:
            style = self._fast_styles[id(fmt)] = f' s="{fmt._get_xf_index()}"'
        return style

    def cells(self, first_col: int, values, formats, shared: bool = True) -> Cells:
        """The cells ``values`` (str, int, float or None) from ``first_col``,
        each with its format, as ``Cells`` for ``write_cells_row``. Text goes
        into the shared strings when ``shared`` (meant for text that repeats:
        names, codes, labels; keep free text such as comments inline)."""
        pieces, refs, last = [""], 0, -1
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=first_col):
            style = self._style(fmt)
            if value is None or value == "":
                if not style:
                    continue
                tail = f'"{style}/>'
            elif isinstance(value, str):
                # Inline (escaped as xlsxwriter escapes inline text) what its shared
                # strings would not keep literally: "<r>…</r>" is written there as raw
                # rich-text XML, a literal "_x0041_" is not escaped (Excel shows "A").
                if shared and not _CONTROL.search(value) and not (value.startswith("<r>") and value.endswith("</r>")):
                    tail = f'"{style} t="s"><v>{self.str_table._get_shared_string_index(value)}</v></c>'
                    self.str_table.count -= 1  # counted when a row uses it (write_cells_row)
                    refs += 1
                else:
                    tail = f'"{style}{self._fast_string(value)}'
            else:
                tail = f'"{style}><v>{value:.16G}</v></c>'
            pieces[-1] += f'<c r="{self._fast_columns[col]}'
            pieces.append(tail)
            last = col
        return Cells(tuple(pieces), refs, last)

    def _pending(self, row: int) -> None:
        """Before a row of ours: rows ascend; whatever xlsxwriter holds for the
        previous row (written through its own methods) goes out first."""
        previous = self.previous_row
        if row <= previous and (row < previous or self.table):
            raise ValueError("rows must be written in ascending order")
        if self.table or previous in self.row_info or previous in self.comments:
            self._write_single_row(row)
        else:
            self.previous_row = row

    def _buffer(self, xml: str, row: int, last: int) -> None:
        rows = self._fast_rows
        rows.append(xml)
        if len(rows) >= _BUFFERED_ROWS:
            self._flush_fast_rows()
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if last >= 0:
            if self.dim_colmin is None or self.dim_colmin > 0:
                self.dim_colmin = 0
            if self.dim_colmax is None or last > self.dim_colmax:
                self.dim_colmax = last

    def _flush_fast_rows(self) -> None:
        if self._fast_rows:
            self.fh.write("".join(self._fast_rows))
            self._fast_rows.clear()

    def _write_single_row(self, current_row_num=0) -> None:
        # xlsxwriter writes a row of its own (or closes the sheet): our rows,
        # which came before it, go first.
        self._flush_fast_rows()
        super()._write_single_row(current_row_num)

    def write_cells_row(self, row: int, runs) -> None:
        """Write ``runs`` (``Cells``, in column order) as the row ``row``. Rows
        must be written in ascending order (constant_memory mode)."""
        self._pending(row)
        number = str(row + 1)
        parts = [f'<row r="{number}">']
        refs, last = 0, -1
        for run in runs:
            parts.append(number.join(run.pieces))
            refs += run.shared
            if run.last > last:
                last = run.last
        parts.append("</row>")
        self.str_table.count += refs
        self._buffer("".join(parts), row, last)

    def write_plain_row(self, row: int, values, formats) -> None:
        """Write ``values`` (str, int, float or None) from column 0 of ``row``,
        each with the matching format of ``formats`` (or None). Rows must be
        written in ascending order, as always in constant_memory mode."""
        if not self.constant_memory:
            for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                write_xlsx_cell(self, row, col, value, fmt)
            return
        self._pending(row)
        number = str(row + 1)
        parts = [f'<row r="{number}">']
        append = parts.append
        fast_string = self._fast_string
        for (opening, style, styled), value in zip(self._pieces(formats), values, strict=True):
            if value is None or value == "":
                if styled:
                    append(f"{opening}{number}{style}/>")
            elif isinstance(value, str):
                append(f"{opening}{number}{style}{fast_string(value)}")
            else:
                append(f"{opening}{number}{style}><v>{value:.16G}</v></c>")
        append("</row>")
        self._buffer("".join(parts), row, len(values) - 1)
