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


def odt_bytes(*paragraphs: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
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
