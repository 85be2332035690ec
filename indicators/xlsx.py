"""A fast row path for xlsxwriter's constant_memory mode.

xlsxwriter spends most of an export in per-cell bookkeeping (argument
decorators, dimension checks, a cell tuple per value, regex escaping of every
string). Report rows repeat the same few thousand strings (organisation,
indicator and period names), so ``FastRowWorksheet.write_plain_row`` writes a
whole row of plain strings and numbers straight into the row XML, escaping
each distinct string once (a bounded cache). Everything else — the workbook,
styles, frozen panes, column widths, autofilter — is xlsxwriter's own.

Tied to the pinned xlsxwriter version (requirements.txt); the tests open every
file with openpyxl and check it cell by cell."""

from __future__ import annotations

import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_CACHE_LIMIT = 50_000


class FastRowWorksheet(Worksheet):
    """A worksheet with ``write_plain_row`` for constant_memory workbooks."""

    def __init__(self) -> None:
        super().__init__()
        self._fast_cells: dict[str, str] = {}
        self._fast_columns: list[str] = [xl_col_to_name(c) for c in range(64)]

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

    def write_plain_row(self, row: int, values, formats) -> None:
        """Write ``values`` (str, int, float or None) from column 0 of ``row``,
        each with the matching format of ``formats`` (or None). Rows must be
        written in ascending order, as always in constant_memory mode."""
        if not self.constant_memory:
            for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                self.write(row, col, value, fmt)
            return
        if row <= self.previous_row and (row < self.previous_row or self.table):
            raise ValueError("rows must be written in ascending order")
        self._write_single_row(row)  # flush whatever xlsxwriter holds for the previous row
        columns = self._fast_columns
        number = str(row + 1)
        parts = [f'<row r="{number}">']
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
            ref = columns[col] + number
            if value is None or value == "":
                if style:
                    parts.append(f'<c r="{ref}"{style}/>')
            elif isinstance(value, str):
                parts.append(f'<c r="{ref}"{style}{self._fast_string(value)}')
            else:
                parts.append(f'<c r="{ref}"{style}><v>{value:.16G}</v></c>')
        parts.append("</row>")
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
