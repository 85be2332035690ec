"""The official report as a tagged PDF (fpdf2, pure Python).

The same layout as the XLSX: A4 landscape, the heading, the table with its
header row repeated on every page, «Стр. N из M», the signature block, then
the completeness list. The font is PT Sans (ParaType, OFL), installed with the
pinned ``fontpkg-pt-sans`` package, so a fresh machine needs nothing else.

Tagged for screen readers (Government Resolution No. 102 of 07.02.2026): the
document language is Russian, the title is a heading (H1, H2 for the
completeness list), paragraphs are P, each table is Table → THead/TBody → TR →
TH/TD with the header cells scoped to their columns (group rows: a row
header). Page numbers and the repeated header rows are pagination artifacts.
fpdf2 tags only images and links by itself, so the structure elements are
written here; each serialises itself in one string, since a region's report
holds hundreds of thousands of cells."""

from __future__ import annotations

import logging
import tempfile
from decimal import Decimal

from fpdf import FPDF
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFObject

from indicators.official import COMPLETENESS_HEADER, HEADER, OfficialReport, decimals_of

# fontTools logs every table it subsets at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONT = "PTSans"
MARGIN = 10.0
PAGE_W, PAGE_H = 297.0, 210.0
BOTTOM = PAGE_H - 14.0
SIZE = 8.5
LINE = 3.9
PAD = 1.2
WIDTHS = [10.0, 17.0, 126.0, 24.0, 25.0, 25.0, 25.0, 25.0]
COMPLETENESS_WIDTHS = [12.0, 85.0, 120.0, 30.0, 30.0]
FILLS = {"total": (201, 211, 227), "subtotal": (228, 233, 241), "organization": (244, 244, 244)}


def _font_files() -> dict[str, str]:
    import fontpkg_pt_sans

    files = fontpkg_pt_sans.ROOT / "files"
    return {"": str(files / "PT_Sans-Web-Regular.ttf"), "B": str(files / "PT_Sans-Web-Bold.ttf")}


class _Elem(StructElem):
    """A structure element that writes itself in one go (no ``dir()`` walk)."""

    __slots__ = ("scope",)

    def __init__(self, struct_type: str, parent, page_number: int, scope: str = "") -> None:
        super().__init__(struct_type=f"/{struct_type}", parent=parent, kids=[], page_number=page_number)
        self.scope = scope

    def serialize(self, obj_dict=None, _security_handler=None) -> str:
        kids = " ".join(kid.ref if isinstance(kid, PDFObject) else str(kid) for kid in self.k)
        parts = [f"{self.id} 0 obj", "<<", "/Type /StructElem", f"/S {self.s}", f"/P {self.p.ref}", f"/K [{kids}]"]
        if self.pg is not None:
            parts.append(f"/Pg {self.pg.ref}")
        if self.scope:
            parts.append(f"/A << /O /Table /Scope /{self.scope} >>")
        parts += [">>", "endobj"]
        return "\n".join(parts)


class _Tree(StructureTreeBuilder):
    """A nested structure tree (fpdf2's own is flat: Document → Figure/Link)."""

    def __init__(self) -> None:
        super().__init__()
        self.next_mcid: dict[int, int] = {}
        self.count = 0

    def element(self, parent, struct_type: str, pdf: FPDF, scope: str = "") -> _Elem:
        parent = parent or self.doc_struct_elem
        elem = _Elem(struct_type, parent, pdf.page, scope)
        elem.pg = pdf.pages[pdf.page]
        parent.k.append(elem)
        self.count += 1
        return elem

    def mark(self, elem: _Elem, pdf: FPDF) -> int:
        """A new marked-content id on the current page, owned by ``elem``."""
        page = pdf.page
        spid = self.spid_per_page_number.get(page)
        if spid is None:
            spid = self.spid_per_page_number[page] = len(self.spid_per_page_number)
            pdf.pages[page].struct_parents = spid
        mcid = self.next_mcid.get(page, 0)
        self.next_mcid[page] = mcid + 1
        elem.k.append(mcid)
        self.struct_tree_root.parent_tree.nums[spid].append(elem)
        return mcid

    def empty(self) -> bool:
        return self.count == 0

    def __iter__(self):
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        stack = list(reversed(self.doc_struct_elem.k))
        while stack:
            elem = stack.pop()
            yield elem
            stack.extend(kid for kid in reversed(elem.k) if isinstance(kid, StructElem))


def number_text(value, decimals: int) -> str:
    """Russian notation: a space between thousands, a decimal comma."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


class ReportPDF(FPDF):
    def __init__(self, report: OfficialReport) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.report = report
        self.struct_builder = self.tree = _Tree()
        for style, path in _font_files().items():
            self.add_font(FONT, style, path)
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_lang("ru-RU")
        self.set_title(report.title)
        self.set_subject(report.period_line)
        self.set_author(report.signature.prepared_by or report.authority_name)
        self.set_creator("leanedu")
        self.alias_nb_pages("{nb}")
        self._widths: dict[tuple[str, str], float] = {}
        self._wrapped: dict[tuple[str, float, str], list[str]] = {}
        self.columns = WIDTHS
        self.header_cells = HEADER
        self.repeat_header = False

    # --- measuring ------------------------------------------------------------------

    def width_of(self, text: str, style: str = "") -> float:
        key = (text, style)
        width = self._widths.get(key)
        if width is None:
            if self.font_style != style:
                self.set_font(FONT, style, SIZE)
            width = self._widths[key] = self.get_string_width(text)
        return width

    def wrap(self, text: str, width: float, style: str = "") -> list[str]:
        key = (text, width, style)
        lines = self._wrapped.get(key)
        if lines is None:
            space = self.width_of(" ", style)
            lines, current, used = [], "", 0.0
            for word in text.split():
                w = self.width_of(word, style)
                if current and used + space + w > width:
                    lines.append(current)
                    current, used = word, w
                else:
                    current, used = (f"{current} {word}" if current else word), (used + space + w if current else w)
            lines.append(current)
            self._wrapped[key] = lines
        return lines

    # --- marking ------------------------------------------------------------------------

    def tagged_text(self, elem, x: float, y: float, text: str, tag: str) -> None:
        mcid = self.tree.mark(elem, self)
        self._out(f"/{tag} <</MCID {mcid}>> BDC")
        self.text(x, y, text)
        self._out("EMC")

    def artifact(self, draw) -> None:
        self._out("/Artifact <</Type /Pagination>> BDC")
        draw()
        self._out("EMC")

    # --- pages ----------------------------------------------------------------------------

    def footer(self) -> None:
        def draw():
            self.set_font(FONT, "", 8)
            # cell(), not text(): fpdf2 puts the page count in place of {nb} there.
            self.set_xy(MARGIN, PAGE_H - 10)
            self.cell(PAGE_W - 2 * MARGIN, 5, f"Стр. {self.page_no()} из {{nb}}", align="R")

        self.artifact(draw)

    def new_page(self) -> None:
        self.add_page()
        if self.repeat_header:
            self.artifact(lambda: self.header_row(None))

    def ensure_room(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self.new_page()

    # --- blocks -----------------------------------------------------------------------------

    def paragraph(self, parent, text: str, tag: str = "P", size: float = 10, style: str = "", center=True) -> None:
        if not text:
            return
        self.set_font(FONT, style, size)
        width = PAGE_W - 2 * MARGIN
        lines = self.wrap(text, width, style) if size == SIZE else _wrap_plain(self, text, width)
        elem = self.tree.element(parent, tag, self)
        for line in lines:
            self.ensure_room(size * 0.45)
            self.y += size * 0.45
            x = (PAGE_W - self.get_string_width(line)) / 2 if center else MARGIN
            self.tagged_text(elem, x, self.y, line, tag)
        self.y += 1.5

    def header_row(self, parent) -> None:
        """The table's header row: tagged TH cells (``parent`` a THead) or, on
        later pages, the same row drawn as an artifact (``parent`` None)."""
        self.set_font(FONT, "B", SIZE)
        cells = [self.wrap(text, w - 2 * PAD, "B") for text, w in zip(self.header_cells, self.columns, strict=True)]
        height = max(len(c) for c in cells) * LINE + 2 * PAD
        self._box(height, (221, 228, 238))
        row = self.tree.element(parent, "TR", self) if parent is not None else None
        x = MARGIN
        for lines, w in zip(cells, self.columns, strict=True):
            cell = self.tree.element(row, "TH", self, scope="Column") if row is not None else None
            for n, line in enumerate(lines):
                y = self.y + PAD + (n + 1) * LINE - 0.9
                cx = x + (w - self.width_of(line, "B")) / 2
                if cell is not None:
                    self.tagged_text(cell, cx, y, line, "TH")
                else:
                    self.text(cx, y, line)
            x += w
        self.y += height

    def _box(self, height: float, fill=None) -> None:
        """The row's borders (and fill) as one artifact."""
        k, top = self.k, (PAGE_H - self.y) * self.k
        bottom = top - height * k
        ops = ["/Artifact BMC q 0.4 G 0.2 w"]
        if fill:
            ops.append(f"{fill[0] / 255:.3f} {fill[1] / 255:.3f} {fill[2] / 255:.3f} rg")
            ops.append(f"{MARGIN * k:.2f} {bottom:.2f} {sum(self.columns) * k:.2f} {height * k:.2f} re f")
        x = MARGIN
        for w in [0.0, *self.columns]:
            x += w
            ops.append(f"{x * k:.2f} {top:.2f} m {x * k:.2f} {bottom:.2f} l")
        right = (MARGIN + sum(self.columns)) * k
        ops.append(
            f"{MARGIN * k:.2f} {top:.2f} m {right:.2f} {top:.2f} l {MARGIN * k:.2f} {bottom:.2f} m {right:.2f} {bottom:.2f} l S Q EMC"
        )
        self._out(" ".join(ops))

    def body_row(self, body, cells: list[tuple[str, str, str]], fill=None, style: str = "") -> None:
        """One row: ``cells`` as (text, align, tag) per column; the text wraps."""
        self.set_font(FONT, style, SIZE)
        wrapped = [
            self.wrap(text, w - 2 * PAD, style) if text else []
            for (text, _align, _tag), w in zip(cells, self.columns, strict=True)
        ]
        height = max(1, *(len(lines) for lines in wrapped)) * LINE + 2 * PAD
        self.ensure_room(height)
        self.set_font(FONT, style, SIZE)
        self._box(height, fill)
        row = self.tree.element(body, "TR", self)
        x = MARGIN
        for (_text, align, tag), lines, w in zip(cells, wrapped, self.columns, strict=True):
            cell = self.tree.element(row, tag, self, scope="Row" if tag == "TH" else "")
            for n, line in enumerate(lines):
                y = self.y + PAD + (n + 1) * LINE - 0.9
                if align == "R":
                    cx = x + w - PAD - self.width_of(line, style)
                elif align == "C":
                    cx = x + (w - self.width_of(line, style)) / 2
                else:
                    cx = x + PAD
                self.tagged_text(cell, cx, y, line, tag)
            x += w
        self.y += height

    def table(self, header: list[str], widths: list[float], rows) -> None:
        self.columns, self.header_cells = widths, header
        table = self.tree.element(None, "Table", self)
        head = self.tree.element(table, "THead", self)
        self.ensure_room(20)
        self.header_row(head)
        self.repeat_header = True
        body = self.tree.element(table, "TBody", self)
        for cells, fill, style in rows:
            self.body_row(body, cells, fill, style)
        self.repeat_header = False


def _wrap_plain(pdf: FPDF, text: str, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdf.get_string_width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _report_rows(report: OfficialReport):
    for line in report.lines():
        if line.kind != "indicator":
            empty = ("", "L", "TD")
            yield [empty, empty, (line.title, "L", "TH"), empty, empty, empty, empty, empty], FILLS[line.kind], "B"
            continue
        indicator = line.indicator
        d = decimals_of(indicator)
        yield (
            [
                (str(line.number), "C", "TD"),
                (indicator.code, "C", "TD"),
                (indicator.name, "L", "TD"),
                (str(indicator.get_unit_display()), "C", "TD"),
                (number_text(line.baseline, d), "R", "TD"),
                (number_text(line.target, d), "R", "TD"),
                (number_text(line.fact, d), "R", "TD"),
                (number_text(line.percent, 1), "R", "TD"),
            ],
            None,
            "",
        )


def _completeness_rows(report: OfficialReport):
    found = False
    for n, (muni, name, got, expected) in enumerate(report.missing(), start=1):
        found = True
        yield (
            [
                (str(n), "C", "TD"),
                (muni, "L", "TD"),
                (name, "L", "TD"),
                (str(got), "R", "TD"),
                (str(expected), "R", "TD"),
            ],
            None,
            "",
        )
    if not found:
        empty = ("", "L", "TD")
        yield [empty, empty, ("Все организации представили утверждённые значения.", "L", "TD"), empty, empty], None, ""


def official_pdf(report: OfficialReport) -> str:
    """Write the report's PDF into a temporary file; returns its path."""
    pdf = ReportPDF(report)
    pdf.add_page()
    pdf.paragraph(None, report.authority_name, size=11, style="B")
    pdf.paragraph(None, report.title, tag="H1", size=13, style="B")
    pdf.paragraph(None, report.period_line, size=11)
    pdf.paragraph(None, report.basis_line, size=9)
    pdf.y += 2
    pdf.table(HEADER, WIDTHS, _report_rows(report))
    _signature(pdf, report)
    pdf.new_page()
    pdf.paragraph(None, "Полнота отчётности", tag="H2", size=12, style="B")
    pdf.paragraph(None, "Организации, которые не представили утверждённые значения всех показателей за период", size=9)
    pdf.y += 2
    pdf.table(COMPLETENESS_HEADER, COMPLETENESS_WIDTHS, _completeness_rows(report))
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
    handle.close()
    pdf.output(handle.name)
    return handle.name


def _signature(pdf: ReportPDF, report: OfficialReport) -> None:
    s = report.signature
    prepared = ", ".join(part for part in (s.prepared_by, s.prepared_position) if part)
    lines = [
        f"{s.head_position or 'Руководитель'}    ______________    {s.head_name}",
        f"Исполнитель: {prepared}",
        f"Телефон: {s.phone}",
        f"Дата: {s.date:%d.%m.%Y}",
    ]
    pdf.ensure_room(len(lines) * 7 + 8)
    pdf.y += 6
    for line in lines:
        pdf.paragraph(None, line, size=10, center=False)
        pdf.y += 1.5
