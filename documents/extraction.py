"""Plain text out of PDF, DOCX, ODT and XLSX files, for the search (scans are
recognised by documents/ocr.py)."""

from __future__ import annotations

import io
import logging

from documents.models import FileType

logger = logging.getLogger(__name__)


def extract_text(data: bytes, file_type: str) -> str:
    """The text of a file; raises on a damaged file (the caller logs it)."""
    if file_type in {FileType.JPEG, FileType.PNG, FileType.TIFF}:
        return ""  # a picture has no text layer: recognition (documents/ocr.py) reads it
    extractor = {
        FileType.PDF: _pdf,
        FileType.DOCX: _docx,
        FileType.ODT: _odt,
        FileType.XLSX: _xlsx,
    }[FileType(file_type)]
    text = extractor(io.BytesIO(data))
    return " ".join(text.split())


def _pdf(stream) -> str:
    from pypdf import PdfReader

    reader = PdfReader(stream)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx(stream) -> str:
    import docx

    document = docx.Document(stream)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODF_BLOCKS = {ODF_TEXT + "p", ODF_TEXT + "h"}


def _odt(stream) -> str:
    """Paragraphs and headings of an ODT's content.xml. The XML is parsed by
    defusedxml (no entity expansion, no external references): the file is an
    upload."""
    import zipfile

    from defusedxml import ElementTree

    with zipfile.ZipFile(stream) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    parts: list[str] = []
    _odt_blocks(root, parts)
    return "\n".join(parts)


def _odt_blocks(element, parts: list[str]) -> None:
    for child in element:
        if child.tag in ODF_BLOCKS:
            parts.append(_odt_inline(child))
        else:
            _odt_blocks(child, parts)


def _odt_inline(element) -> str:
    """The text of a paragraph: spans inline, <text:s/> as spaces, tabs and line
    breaks as whitespace (the same reading as odfpy's teletype)."""
    out = [element.text or ""]
    for child in element:
        if child.tag == ODF_TEXT + "s":
            out.append(" " * int(child.get(ODF_TEXT + "c", "1")))
        elif child.tag == ODF_TEXT + "tab":
            out.append("\t")
        elif child.tag == ODF_TEXT + "line-break":
            out.append("\n")
        else:
            out.append(_odt_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _xlsx(stream) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    parts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    workbook.close()
    return "\n".join(parts)
