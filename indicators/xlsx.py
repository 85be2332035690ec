"""A fast row path for xlsxwriter's constant_memory mode.

xlsxwriter spends most of an export in per-cell bookkeeping (argument
decorators, dimension checks, a cell tuple per value, regex escaping of every
string). Report rows repeat the same few thousand strings (organisation,
indicator and period names), so ``FastRowWorksheet.write_plain_row`` writes a
whole row of plain strings and numbers straight into the row XML, escaping
each distinct string once (a bounded cache). Everything else — the workbook,
styles, frozen panes, column widths, autofilter — is xlsxwriter's own.

Tied to the pinned xlsxwriter version (requirements.txt); the tests open every
file with openpyxl and check it cell by cell. Text is always an inline string
cell, never a formula (leanedu/spreadsheets.py decides that for every file)."""

from __future__ import annotations

import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from leanedu.spreadsheets import write_xlsx_cell

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_CACHE_LIMIT = 50_000


class FastRowWorksheet(Worksheet):
    """A worksheet with ``write_plain_row`` for constant_memory workbooks."""

    def __init__(self) -> None:
        super().__init__()
        self._fast_cells: dict[str, str] = {}
        self._fast_columns: list[str] = [xl_col_to_name(c) for c in range(64)]
        self._fast_pieces: dict[tuple, list[tuple[str, str, bool]]] = {}

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
        key = tuple(id(fmt) for fmt in formats)
        pieces = self._fast_pieces.get(key)
        if pieces is None:
            pieces = []
            for col, fmt in enumerate(formats):
                style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
                pieces.append((f'<c r="{self._fast_columns[col]}', f'"{style}', bool(style)))
            self._fast_pieces[key] = pieces
        return pieces

    def write_plain_row(self, row: int, values, formats) -> None:
        """Write ``values`` (str, int, float or None) from column 0 of ``row``,
        each with the matching format of ``formats`` (or None). Rows must be
        written in ascending order, as always in constant_memory mode."""
        if not self.constant_memory:
            for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                write_xlsx_cell(self, row, col, value, fmt)
            return
        if row <= self.previous_row and (row < self.previous_row or self.table):
            raise ValueError("rows must be written in ascending order")
        self._write_single_row(row)  # flush whatever xlsxwriter holds for the previous row
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
        self.fh.write("".join(parts))
        last = len(values) - 1
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or self.dim_colmin > 0:
            self.dim_colmin = 0
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last
        self.previous_row = row
