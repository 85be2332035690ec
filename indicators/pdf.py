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
holds hundreds of thousands of cells.

A region's report is ≈42,000 rows on ≈1,550 pages, so a table row is drawn
in one go: its borders, and its cells' text operators as fpdf2's ``text()``
writes them (the same bytes), with each distinct text encoded for the font
once (``ReportPDF.shown``) and appended to the page in one write instead of
three ``_out`` calls and a font encoding per cell.

Memory follows a page, not the report: each page's content is compressed as
the page closes and kept in a temporary file (``_Spill``; the start of its
footer stays apart), and ``output()`` writes every object straight to the
file (``_Producer``) instead of assembling the whole file in memory. Inflated,
every object is the same as fpdf2's own output (but the footer's line); what stays in memory to the
end is the structure tree (a small object a row) and the pages' objects.

«Стр. N из M» is laid out at output, once M is known (``page_count_line``),
flush with the right edge of the text area for any page count. fpdf2's
``{nb}`` alias is not used: it reserves the width of three digits, and a
region's «из 1554» ran a digit into the right margin (fpdf2 only warned)."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zlib
from array import array
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.output import ContentWithoutID, OutputProducer, PDFXrefAndTrailer, pdf_ref
from fpdf.structure_tree import NumberTree, StructElem, StructureTreeBuilder
from fpdf.syntax import Name, PDFContentStream, PDFObject, create_dictionary_string

from indicators.official import COMPLETENESS_HEADER, HEADER, OfficialReport, decimals_of
from leanedu.formats import ru_date

# fontTools logs every table it subsets at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONT = "PTSans"
MARGIN = 10.0
PAGE_W, PAGE_H = 297.0, 210.0
BOTTOM = PAGE_H - 14.0
SIZE = 8.5
FOOTER_SIZE = 8.0
LINE = 3.9
PAD = 1.2
WIDTHS = [10.0, 17.0, 126.0, 24.0, 25.0, 25.0, 25.0, 25.0]
COMPLETENESS_WIDTHS = [12.0, 85.0, 120.0, 30.0, 30.0]
# The caches of measured, wrapped and encoded texts are emptied when full: names
# repeat (and come back at once), while most figures are seen once, and a whole
# region's distinct figures would otherwise stay in memory to the end.
_CACHE_LIMIT = 20_000
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
        kids = " ".join(_refs(self.k))
        parts = [f"{self.id} 0 obj", "<<", "/Type /StructElem", f"/S {self.s}", f"/P {self.p.ref}", f"/K [{kids}]"]
        if self.pg is not None:
            parts.append(f"/Pg {self.pg.ref}")
        if self.scope:
            parts.append(f"/A << /O /Table /Scope /{self.scope} >>")
        parts += [">>", "endobj"]
        return "\n".join(parts)


class _RowShape:
    """What a table row's cells are (tag, scope, number of text lines each):
    shared by every row of the same shape, so a row stores three numbers."""

    __slots__ = ("cells", "size", "lines", "owners")

    def __init__(self, cells: tuple[tuple[str, str, int], ...]) -> None:
        self.cells = [
            (f"/S /{tag}", f"\n/A << /O /Table /Scope /{scope} >>" if scope else "", n) for tag, scope, n in cells
        ]
        self.size = 1 + len(cells)  # the TR and its cells
        self.lines = sum(n for _tag, _scope, n in cells)
        # The cell (its index) each of the row's marked-content ids belongs to.
        self.owners = [i for i, (_tag, _scope, n) in enumerate(cells) for _line in range(n)]


def _refs(kids):
    """A structure element's kids as written in its /K: references, a run of
    rows as its rows' TRs, marked-content ids as numbers."""
    for kid in kids:
        if isinstance(kid, _Rows):
            yield from (f"{tr} 0 R" for tr in kid.ids)
        elif isinstance(kid, PDFObject):
            yield kid.ref
        else:
            yield str(kid)


class _Rows:
    """A run of table rows of one table body, each row its TR and its TH/TD
    cells, kept as three numbers a row (page, first marked-content id, shape)
    instead of objects: fpdf2 numbers and writes the structure tree only after
    the last page, and a region's report has ≈42,000 rows (≈380,000 structure
    elements). At output the rows are numbered consecutively (as fpdf2 numbers
    the elements of a depth-first walk) and written straight to the file as the
    same ``N 0 obj … endobj`` blocks ``_Elem`` writes."""

    __slots__ = ("parent", "pages", "shapes", "page_numbers", "first_mcids", "shape_of", "ids", "producer")

    def __init__(self, parent: _Elem, pages: dict, shapes: list[_RowShape]) -> None:
        self.parent, self.pages, self.shapes = parent, pages, shapes
        self.page_numbers, self.first_mcids, self.shape_of = array("I"), array("I"), array("H")
        self.ids = array("I")  # each row's TR object number, known at output
        self.producer = None

    def add(self, page: int, first_mcid: int, shape: int) -> int:
        self.page_numbers.append(page)
        self.first_mcids.append(first_mcid)
        self.shape_of.append(shape)
        return len(self.shape_of) - 1

    @property
    def id(self) -> int:
        return self.ids[0]

    def number(self, first_id: int) -> int:
        """Numbers the rows' elements from ``first_id``; returns how many there are."""
        number = first_id
        for shape in self.shape_of:
            self.ids.append(number)
            number += self.shapes[shape].size
        return number - first_id

    def cell_refs(self, start: int, stop: int):
        """The cell of each marked-content id of rows ``start`` to ``stop``, in order."""
        for i in range(start, stop):
            cell = self.ids[i] + 1
            yield from (f"{cell + owner} 0 R" for owner in self.shapes[self.shape_of[i]].owners)

    def serialize(self, obj_dict=None, _security_handler=None) -> str:
        """Writes the rows' objects to the file but the last, which it returns
        (fpdf2 writes it, noting where this object begins, then a newline)."""
        sink, offsets = self.producer.buffer, self.producer.offsets
        parent = f"/P {self.parent.ref}"
        at, pending, last_row = len(sink), [], len(self.ids) - 1
        for i, tr in enumerate(self.ids):
            pg = f"/Pg {self.pages[self.page_numbers[i]].ref}"
            cells = self.shapes[self.shape_of[i]].cells
            kids = " ".join(f"{tr + 1 + n} 0 R" for n in range(len(cells)))
            blocks = [f"{tr} 0 obj\n<<\n/Type /StructElem\n/S /TR\n{parent}\n/K [{kids}]\n{pg}\n>>\nendobj"]
            mcid = self.first_mcids[i]
            for n, (tag, scope, lines) in enumerate(cells):
                mcids = " ".join(str(m) for m in range(mcid, mcid + lines))
                mcid += lines
                blocks.append(
                    f"{tr + 1 + n} 0 obj\n<<\n/Type /StructElem\n{tag}\n/P {tr} 0 R\n/K [{mcids}]\n{pg}{scope}\n>>\nendobj"
                )
            # Each element is an object of its own in the cross-reference table.
            for n, block in enumerate(blocks):
                offsets[tr + n] = at
                at += len(block) + 1  # ASCII: characters are bytes; "\n" after each object
            pending += blocks
            if len(pending) >= 2_000 and i < last_row:
                sink.write(("\n".join(pending) + "\n").encode())
                pending = []
        last = pending.pop()
        if pending:
            sink.write(("\n".join(pending) + "\n").encode())
        return last


class _Span:
    """Rows ``start`` to ``stop`` of a ``_Rows``: their marked-content ids on one
    page, as an entry of the parent tree."""

    __slots__ = ("rows", "start", "stop")

    def __init__(self, rows: _Rows, start: int, stop: int) -> None:
        self.rows, self.start, self.stop = rows, start, stop


class _ParentTree(NumberTree):
    """fpdf2's parent tree, whose entries may also be ``_Span``s (rows of a
    page, standing for their marked-content ids in order). Written to the file page by
    page (``sink``, set by ``_Producer``): for a region's report it is one object
    of ≈380,000 references, which fpdf2 would build as a few copies of one string."""

    __slots__ = ("sink",)

    def serialize(self, obj_dict=None, _security_handler=None) -> str:
        def refs(entries):
            for entry in entries:
                if isinstance(entry, _Span):
                    yield from entry.rows.cell_refs(entry.start, entry.stop)
                else:
                    yield entry.ref

        # The bytes of NumberTree.serialize(): "N 0 obj\n<<\n/Nums [spid [refs]\nspid [refs]]\n>>\nendobj".
        self.sink.write(f"{self.id} 0 obj\n<<\n/Nums [".encode())
        for n, (spid, entries) in enumerate(self.nums.items()):
            self.sink.write(f"{chr(10) if n else ''}{spid} [{chr(10).join(refs(entries))}]".encode())
        return "]\n>>\nendobj"


class _PageContents:
    """A finished page's content stream: what came before the footer compressed
    in the spill file, the footer's start (its artifact mark and font) kept as
    it is; the footer's line «Стр. N из M» is laid out at output, once M is
    known (``ReportPDF.page_count_line``). See ``_Spill``."""

    __slots__ = ("spill", "offset", "length", "checksum", "tail", "page")

    def __init__(self, spill: _Spill, offset: int, length: int, checksum: int, tail: bytes, page: int) -> None:
        self.spill, self.offset, self.length, self.checksum, self.tail = spill, offset, length, checksum, tail
        self.page = page  # the page's number, for its footer

    def stream(self, footer: bytes) -> bytes:
        """The page's whole content stream, ``footer`` (the rest of the page's
        footer) after the kept part of it, as one zlib (FlateDecode) stream: the
        body's deflate blocks ended by a sync flush, then the footer's, then the
        Adler-32 of both; it inflates to exactly the bytes fpdf2 would compress."""
        tail = self.tail + footer
        deflate = zlib.compressobj(-1, zlib.DEFLATED, -15)
        compressed = deflate.compress(tail) + deflate.flush()
        checksum = zlib.adler32(tail, self.checksum).to_bytes(4, "big")
        return b"".join((b"\x78\x9c", self.spill.read(self.offset, self.length), compressed, checksum))


class _Spill:
    """Finished pages' content, compressed as each page closes and kept in a
    temporary file until ``output()`` writes it: fpdf2 would keep every page's
    content uncompressed in memory to the end (≈40 MB for a region's report),
    since the footer's «из M» is only known then. The footer's start stays apart
    (a few dozen bytes a page), its line is laid out and compressed at output;
    both parts form one deflate stream (``_PageContents.stream``)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()
        self.size = 0

    def keep(self, contents: bytearray, body_end: int, page: int) -> _PageContents:
        with memoryview(contents) as view:
            body = view[:body_end]
            deflate = zlib.compressobj(-1, zlib.DEFLATED, -15)
            data = deflate.compress(body) + deflate.flush(zlib.Z_SYNC_FLUSH)
            checksum = zlib.adler32(body)
            body.release()
        offset = self.size
        self.file.seek(offset)
        self.file.write(data)
        self.size += len(data)
        return _PageContents(self, offset, len(data), checksum, bytes(contents[body_end:]), page)

    def read(self, offset: int, length: int) -> bytes:
        self.file.seek(offset)
        return self.file.read(length)

    def close(self) -> None:
        self.file.close()


class _SpilledStream(PDFContentStream):
    """A page's content stream read back from the spill file only while it is
    written (fpdf2 compresses every page's content up front and keeps it)."""

    def __init__(self, contents: _PageContents, footer: bytes) -> None:
        PDFObject.__init__(self)
        self._page, self._footer = contents, footer
        self._contents = None
        self.filter = Name("FlateDecode")
        self.length = 0

    def serialize(self, obj_dict=None, _security_handler=None) -> str:
        self._contents = self._page.stream(self._footer)
        self.length = len(self._contents)
        try:
            return super().serialize(obj_dict, _security_handler)
        finally:
            self._contents = None


class _Sink:
    """fpdf2's output buffer written straight through to the file: ``+=`` and
    ``write`` write, ``len`` is the offset reached (fpdf2 assembles the whole file
    in memory, 55 MB for a region). Keeps the MD5 fpdf2 makes the file's /ID of."""

    def __init__(self, handle) -> None:
        self.handle, self.size = handle, 0
        self.md5 = hashlib.md5(usedforsecurity=False)

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.md5.update(data)
        self.size += len(data)

    def __iadd__(self, data: bytes) -> _Sink:
        self.write(data)
        return self

    def __len__(self) -> int:
        return self.size

    def file_id(self, creation_date) -> str:
        """fpdf2's default /ID: the MD5 of what was written, then the creation date."""
        digest = self.md5.copy()
        if creation_date:
            digest.update(creation_date.strftime("%Y%m%d%H%M%S").encode("utf8"))
        hex_digest = digest.hexdigest().upper()
        return f"<{hex_digest}><{hex_digest}>"


class _Offsets:
    """Object number → where the object begins in the file, 4 bytes an object
    (fpdf2's dict takes ≈ 100, and a region's report has ≈ 380,000 objects)."""

    __slots__ = ("array",)

    def __init__(self) -> None:
        self.array = array("I")  # 4 bytes: offsets below 4 GiB

    def __setitem__(self, obj_id: int, offset: int) -> None:
        known = len(self.array)
        if obj_id >= known:
            grow = max(obj_id + 1 - known, known // 4 + 1024)
            self.array.frombytes(bytes(self.array.itemsize * grow))
        self.array[obj_id] = offset

    def __getitem__(self, obj_id: int) -> int:
        return self.array[obj_id]

    def __len__(self) -> int:
        return len(self.array)


class _Xref(ContentWithoutID):
    """fpdf2's cross-reference table and trailer (the same bytes), written to
    the file in pieces instead of one string of ≈380,000 lines."""

    def __init__(self, xref: PDFXrefAndTrailer) -> None:
        self.xref = xref

    def serialize(self, _security_handler=None) -> str:
        xref = self.xref
        builder = xref.output_builder
        sink, offsets, fpdf = builder.buffer, builder.offsets, builder.fpdf
        if xref.catalog_obj is None or xref.encryption_obj is not None:
            raise ValueError("the official report is neither incomplete nor encrypted")
        startxref = len(sink)
        file_id = fpdf.file_id()
        if file_id == -1:
            file_id = sink.file_id(fpdf.creation_date)
        sink.write(f"xref\n0 {xref.count}\n0000000000 65535 f \n".encode())
        for first in range(1, xref.count, 10_000):
            last = min(first + 10_000, xref.count)
            sink.write("".join(f"{offsets[n]:010} 00000 n \n" for n in range(first, last)).encode())
        out = ["trailer", "<<", f"/Size {xref.count}", f"/Root {pdf_ref(xref.catalog_obj.id)}"]
        if xref.info_obj:
            out.append(f"/Info {pdf_ref(xref.info_obj.id)}")
        if file_id is not None:
            out.append(f"/ID [{file_id}]")
        out += [">>", "startxref", str(startxref), "%%EOF"]
        return "\n".join(out)


class _Lookup(dict):
    """A read-only view of fpdf2's resources per page: nothing for a page that has none."""

    def __missing__(self, key) -> frozenset:
        return frozenset()


class _Objects(list):
    """The producer's list of objects to write, its cross-reference table
    replaced by ``_Xref`` as fpdf2 appends it."""

    def append(self, obj) -> None:
        super().append(_Xref(obj) if isinstance(obj, PDFXrefAndTrailer) else obj)


class _Producer(OutputProducer):
    """fpdf2's output, numbering a ``_Rows`` as the elements it stands for, and
    streamed: objects are written to the file as they are serialised (``_Sink``),
    pages' content read back from the spill file one at a time, the
    cross-reference table kept in an array (``_Offsets``) and written in pieces.
    Memory then follows a page, not the document (tied to fpdf2 2.8.9, pinned)."""

    def __init__(self, fpdf: ReportPDF) -> None:
        super().__init__(fpdf)
        self.buffer = _Sink(fpdf.target)
        self.offsets = _Offsets()
        self.pdf_objs = _Objects()

    def _out(self, data) -> None:
        if not isinstance(data, bytes | bytearray):
            data = str(data).encode("latin1")
        self.buffer.write(data)
        self.buffer.write(b"\n")

    def _insert_resources(self, page_objs) -> None:
        """fpdf2's, without the empty set its resource catalog (a defaultdict)
        stores for every page and kind of resource it looks up: ≈ 8 a page,
        1.9 MB for a region's report."""
        catalog = self.fpdf._resource_catalog
        stored = catalog.resources_per_page
        catalog.resources_per_page = _Lookup(stored)
        try:
            super()._insert_resources(page_objs)
        finally:
            catalog.resources_per_page = stored

    def _add_pages(self, _slice: slice = slice(0, None)):
        """fpdf2's ``_add_pages`` for pages whose content is spilled."""
        fpdf = self.fpdf
        page_objs = []
        for page_obj in list(self._iter_pages_in_order())[_slice]:
            if fpdf.pdf_version > "1.3" and fpdf.allow_images_transparency:
                page_obj.group = create_dictionary_string(
                    {"/Type": "/Group", "/S": "/Transparency", "/CS": "/DeviceRGB"}, field_join=" "
                )
            if page_obj.dimensions() != fpdf.default_page_dimensions:
                raise ValueError("every page of the official report is A4 landscape")
            self._add_pdf_obj(page_obj, "pages")
            page_objs.append(page_obj)
            contents = page_obj.contents
            if isinstance(contents, _PageContents):
                stream = _SpilledStream(contents, fpdf.page_count_line(contents.page, fpdf.pages_count))
            else:
                stream = PDFContentStream(contents=contents, compress=fpdf.compress)
            self._add_pdf_obj(stream, "pages")
            page_obj.contents = stream
        return page_objs

    def _add_structure_tree(self):
        builder = self.fpdf.struct_builder
        if builder.empty():
            return None
        builder.struct_tree_root.parent_tree.sink = self.buffer
        root = None
        for pdf_obj in builder:
            if root is None:
                root = pdf_obj
            if isinstance(pdf_obj, _Rows):
                self.obj_id += pdf_obj.number(self.obj_id + 1)
                pdf_obj.producer = self
                self.pdf_objs.append(pdf_obj)
            else:
                self._add_pdf_obj(pdf_obj, "structure_tree")
        return root


class _Tree(StructureTreeBuilder):
    """A nested structure tree (fpdf2's own is flat: Document → Figure/Link)."""

    def __init__(self) -> None:
        super().__init__()
        self.struct_tree_root.parent_tree = _ParentTree()
        self.next_mcid: dict[int, int] = {}
        self.count = 0
        self.shapes: list[_RowShape] = []
        self.shape_index: dict[tuple, int] = {}

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

    def row(self, parent, pdf: FPDF, cells: tuple[tuple[str, str, int], ...]) -> int:
        """A table row (TR and its cells) on the current page; ``cells`` are
        (tag, scope, number of text lines). Returns the first of the row's
        marked-content ids (consecutive, cell by cell)."""
        index = self.shape_index.get(cells)
        if index is None:
            index = self.shape_index[cells] = len(self.shapes)
            self.shapes.append(_RowShape(cells))
        shape = self.shapes[index]
        page = pdf.page
        first = self.next_mcid.get(page, 0)
        rows = parent.k[-1] if parent.k and isinstance(parent.k[-1], _Rows) else None
        if rows is None:
            rows = _Rows(parent, pdf.pages, self.shapes)
            parent.k.append(rows)
        row = rows.add(page, first, index)
        self.count += shape.size
        if shape.lines:
            spid = self.spid_per_page_number.get(page)
            if spid is None:
                spid = self.spid_per_page_number[page] = len(self.spid_per_page_number)
                pdf.pages[page].struct_parents = spid
            self.next_mcid[page] = first + shape.lines
            entries = self.struct_tree_root.parent_tree.nums[spid]
            last = entries[-1] if entries else None
            if isinstance(last, _Span) and last.rows is rows and last.stop == row:
                last.stop = row + 1
            else:
                entries.append(_Span(rows, row, row + 1))
        return first

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
            if isinstance(elem, StructElem):
                stack.extend(kid for kid in reversed(elem.k) if isinstance(kid, StructElem | _Rows))


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
        # No fpdf2 alias: it reserves the width of three digits for the page
        # count, and «из 1554» ran into the right margin (page_count_line).
        self.alias_nb_pages(None)
        self._footer_font = None
        self._widths: dict[tuple[str, str], float] = {}
        self._wrapped: dict[tuple[str, float, str], list[str]] = {}
        self._shown: dict[tuple[int, str], str] = {}
        self._column_xs: dict[tuple[float, ...], tuple] = {}
        self.columns = WIDTHS
        self.header_cells = HEADER
        self.repeat_header = False
        self.spill = _Spill()
        self.target = None  # the file ``_Producer`` writes to

    # --- measuring ------------------------------------------------------------------

    def width_of(self, text: str, style: str = "") -> float:
        key = (text, style)
        width = self._widths.get(key)
        if width is None:
            if self.font_style != style:
                self.set_font(FONT, style, SIZE)
            if len(self._widths) >= _CACHE_LIMIT:
                self._widths.clear()
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
            if len(self._wrapped) >= _CACHE_LIMIT:
                self._wrapped.clear()
            self._wrapped[key] = lines
        return lines

    def shown(self, text: str) -> str:
        """``(…) Tj`` of ``text`` in the current font, as fpdf2's ``text()``
        writes it; encoded (glyphs picked for the subset) once per font and text."""
        key = (self.current_font.i, text)
        shown = self._shown.get(key)
        if shown is None:
            if len(self._shown) >= _CACHE_LIMIT:
                self._shown.clear()
            shown = self._shown[key] = self.current_font.encode_text(text)
        return shown

    def plain_text_state(self) -> bool:
        """True when ``text()`` would write nothing but the text operator (no
        colour change, rendering mode, underline or quad points): then
        ``body_row`` may write the same bytes itself."""
        return (
            self.fill_color == self.text_color
            and self.text_mode == TextMode.FILL
            and not (self.underline or self.strikethrough or self._record_text_quad_points)
        )

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
        """Starts the page's footer, «Стр. N из M» flush with the right edge of
        the text area; its line is written at output (``page_count_line``),
        when M is known. The page is then finished: its content is spilled."""
        page = self.pages[self.page]
        body_end = len(page.contents)
        self._out("/Artifact <</Type /Pagination>> BDC")
        self.set_font(FONT, "", FOOTER_SIZE)
        if not self.current_font_is_set_on_page:  # as cell() and text() select it
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        self._footer_font = self.current_font
        page.contents = self.spill.keep(page.contents, body_end, self.page)

    def page_count_line(self, page: int, total: int) -> bytes:
        """The rest of page ``page``'s footer once the report has ``total``
        pages: «Стр. N из M» ending at the right edge of the text area (less
        the cell margin, where fpdf2's right-aligned ``cell()`` put it) whatever
        the widths of N and M, then the artifact's end. Laid out before fpdf2
        subsets the fonts, so every glyph is in the subset."""
        font, size = self._footer_font, FOOTER_SIZE
        prefix, count = f"Стр. {page} из ", str(total)
        width = font.get_text_width(prefix + count, size, None)[1] / self.k
        x = PAGE_W - MARGIN - self.c_margin - width
        # The baseline of a 5 mm cell at PAGE_H - 10, as cell() puts it.
        y = PAGE_H - 10 + 2.5 + 0.3 * size / self.k
        k = self.k
        line = (
            f"BT {x * k:.2f} {(PAGE_H - y) * k:.2f} Td {font.encode_text(prefix)} {font.encode_text(count)} ET\nEMC\n"
        )
        return line.encode("latin-1")

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
        self._out(self._box_ops(height, fill))

    def _box_ops(self, height: float, fill=None) -> str:
        k, top = self.k, (PAGE_H - self.y) * self.k
        bottom = top - height * k
        top_s, bottom_s = f"{top:.2f}", f"{bottom:.2f}"
        columns = tuple(self.columns)
        xs = self._column_xs.get(columns)
        if xs is None:  # the vertical lines' abscissas, formatted once per table
            x, xs = MARGIN, []
            for w in [0.0, *columns]:
                x += w
                xs.append(f"{x * k:.2f}")
            xs = self._column_xs[columns] = (
                xs,
                f"{MARGIN * k:.2f}",
                f"{sum(columns) * k:.2f}",
                f"{(MARGIN + sum(columns)) * k:.2f}",
            )
        xs, left, total, right = xs
        ops = ["/Artifact BMC q 0.4 G 0.2 w"]
        if fill:
            ops.append(f"{fill[0] / 255:.3f} {fill[1] / 255:.3f} {fill[2] / 255:.3f} rg")
            ops.append(f"{left} {bottom_s} {total} {height * k:.2f} re f")
        ops.extend(f"{x} {top_s} m {x} {bottom_s} l" for x in xs)
        ops.append(f"{left} {top_s} m {right} {top_s} l {left} {bottom_s} m {right} {bottom_s} l S Q EMC")
        return " ".join(ops)

    def body_row(self, body, cells: list[tuple[str, str, str]], fill=None, style: str = "") -> None:
        """One row: ``cells`` as (text, align, tag) per column; the text wraps."""
        if self.font_style != style or self.font_size_pt != SIZE:
            self.set_font(FONT, style, SIZE)
        wrapped = [
            self.wrap(text, w - 2 * PAD, style) if text else []
            for (text, _align, _tag), w in zip(cells, self.columns, strict=True)
        ]
        height = max(1, *(len(lines) for lines in wrapped)) * LINE + 2 * PAD
        self.ensure_room(height)
        if self.font_style != style or self.font_size_pt != SIZE:  # a new page's footer changed it
            self.set_font(FONT, style, SIZE)
        if not self.plain_text_state():
            self._body_row_slow(body, cells, wrapped, height, fill, style)
            return
        out = [self._box_ops(height, fill)]
        font_pending = not self.current_font_is_set_on_page
        mcid = self.tree.row(
            body,
            self,
            tuple(
                (tag, "Row" if tag == "TH" else "", len(lines))
                for (_t, _a, tag), lines in zip(cells, wrapped, strict=True)
            ),
        )
        k, h, top, width_of, shown = self.k, self.h, self.y, self.width_of, self.shown
        x = MARGIN
        for (_text, align, tag), lines, w in zip(cells, wrapped, self.columns, strict=True):
            for n, line in enumerate(lines):
                if align == "R":
                    cx = x + w - PAD - width_of(line, style)
                elif align == "C":
                    cx = x + (w - width_of(line, style)) / 2
                else:
                    cx = x + PAD
                y = top + PAD + (n + 1) * LINE - 0.9
                # What tagged_text() writes: the mark, text()'s operators, the end.
                out.append(f"/{tag} <</MCID {mcid}>> BDC")
                mcid += 1
                if font_pending:  # text() selects the font on a new page first
                    out.append(self._set_font_for_page(self.current_font, self.font_size_pt))
                    font_pending = False
                out.append(f"BT {cx * k:.2f} {(h - y) * k:.2f} Td {shown(line)} ET")
                out.append("EMC")
            x += w
        contents = self.pages[self.page].contents
        contents.extend("\n".join(out).encode("latin-1"))
        contents.append(0x0A)
        self.y += height

    def _body_row_slow(self, body, cells, wrapped, height: float, fill, style: str) -> None:
        """``body_row`` through fpdf2's ``text()`` (any text state)."""
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
    units: dict[int, str] = {}  # get_unit_display() goes through gettext: once per indicator
    for line in report.lines():
        if line.kind != "indicator":
            empty = ("", "L", "TD")
            yield [empty, empty, (line.title, "L", "TH"), empty, empty, empty, empty, empty], FILLS[line.kind], "B"
            continue
        indicator = line.indicator
        d = decimals_of(indicator)
        unit = units.get(indicator.pk)
        if unit is None:
            unit = units[indicator.pk] = str(indicator.get_unit_display())
        yield (
            [
                (str(line.number), "C", "TD"),
                (indicator.code, "C", "TD"),
                (indicator.name, "L", "TD"),
                (unit, "C", "TD"),
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
    return write_pdf(pdf)


def write_pdf(pdf: ReportPDF) -> str:
    """Write ``pdf`` into a temporary file (streamed, see ``_Producer``); returns its path."""
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False, buffering=1 << 16)
    try:
        with handle:
            pdf.target = handle
            pdf.output(output_producer_class=_Producer)
    except BaseException:
        os.unlink(handle.name)  # a half-written file: no one will open it
        raise
    finally:
        pdf.spill.close()
    return handle.name


def _signature(pdf: ReportPDF, report: OfficialReport) -> None:
    s = report.signature
    prepared = ", ".join(part for part in (s.prepared_by, s.prepared_position) if part)
    lines = [
        f"{s.head_position or 'Руководитель'}    ______________    {s.head_name}",
        f"Исполнитель: {prepared}",
        f"Телефон: {s.phone}",
        f"Дата: {ru_date(s.date)}",
    ]
    pdf.ensure_room(len(lines) * 7 + 8)
    pdf.y += 6
    for line in lines:
        pdf.paragraph(None, line, size=10, center=False)
        pdf.y += 1.5
