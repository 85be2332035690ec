"""Plain text out of PDF, DOCX, ODT and XLSX files, for the search."""

from __future__ import annotations

import io
import logging

from documents.models import FileType

logger = logging.getLogger(__name__)


def extract_text(data: bytes, file_type: str) -> str:
    """The text of a file; raises on a damaged file (the caller logs it)."""
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


def _odt(stream) -> str:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(stream)
    return "\n".join(teletype.extractText(p) for p in document.getElementsByType(text.P))


def _xlsx(stream) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    parts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    workbook.close()
    return "\n".join(parts)
