"""Factories of the registry (organisations come from tests/factories.py)."""

from __future__ import annotations

import datetime as dt
import io

import factory

from documents.models import Document, DocumentKind, DocumentStatus, Tag
from tests.factories import MunicipalityFactory


class DocumentKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentKind
        django_get_or_create = ("slug",)

    slug = "rasporyazhenie"
    name = factory.LazyAttribute(lambda o: {"prikaz": "Приказ", "rasporyazhenie": "Распоряжение"}.get(o.slug, o.slug))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"тема {n}")
    slug = factory.Sequence(lambda n: f"tema-{n}")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    kind = factory.SubFactory(DocumentKindFactory)
    authority = factory.SubFactory(MunicipalityFactory)
    number = factory.Sequence(lambda n: f"{100 + n}-р")
    date_signed = factory.Sequence(lambda n: dt.date(2021, 1, 1) + dt.timedelta(days=n))
    title = factory.Sequence(lambda n: f"О проведении мероприятия № {n}")
    status = DocumentStatus.IN_FORCE
    is_public = True


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def odt_bytes(*paragraphs: str) -> bytes:
    """A minimal ODT as office suites write it: an uncompressed ``mimetype``
    first, the manifest, and the paragraphs in content.xml."""
    import zipfile
    from xml.sax.saxutils import escape

    body = "".join(f"<text:p>{escape(text)}</text:p>" for text in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A PDF with a Latin core font: needs no font file on the machine."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def xlsx_bytes(*cells: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for i, value in enumerate(cells, start=1):
        workbook.active.cell(row=i, column=1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The first bytes of a Windows executable (MZ header, PE stub).
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 400
)


def _scan_page(lines: list[str], font_path: str):
    """A white A4 page at 150 dpi with black text: what a scanner sees."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(font_path, 30)
    for row, line in enumerate(lines):
        draw.text((120, 150 + row * 55), line, font=font, fill=0)
    return page


def scan_pdf_bytes(pages: list[list[str]], font_path: str) -> bytes:
    """An image-only PDF: every page a picture, no text layer."""
    images = [_scan_page(lines, font_path) for lines in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def scan_image_bytes(lines: list[str], font_path: str, image_format: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    _scan_page(lines, font_path).convert("RGB").save(buffer, format=image_format, dpi=(150, 150))
    return buffer.getvalue()


def mixed_pdf_bytes(text_page: str, scan_lines: list[str], font_path: str) -> bytes:
    """A PDF whose first page has a text layer and whose second is a scan."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(text_page))))
    writer.append(PdfReader(io.BytesIO(scan_pdf_bytes([scan_lines], font_path))))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def recognition_font() -> str:
    """A Cyrillic font to draw test scans with, when this machine can also
    recognise them. CI installs Tesseract and the font; elsewhere the test
    says what is missing instead of passing."""
    import os

    import pytest

    from documents import ocr
    from documents.demo import find_cyrillic_font

    path = find_cyrillic_font()
    missing = [m for m in (ocr.unavailable_reason(), None if path else "no Cyrillic font (fonts-dejavu-core)") if m]
    if missing:
        message = "recognition cannot be tested here: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
