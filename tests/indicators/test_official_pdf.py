"""The official report as a PDF: its text, pages, repeated header, tags."""

import io
import re
from collections import Counter

import pytest
from django.urls import reverse
from pypdf import PdfReader

from indicators.models import ValueStatus
from tests.indicators.factories import ValueFactory, quarter

pytestmark = pytest.mark.django_db


def _pdf_bytes(client, user, **params) -> bytes:
    client.force_login(user)
    response = client.get(reverse("reports:official_pdf"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def _pdf(client, user, **params):
    return PdfReader(io.BytesIO(_pdf_bytes(client, user, **params)))


@pytest.fixture
def many_schools(reported, municipality, indicators):
    """Twelve more schools: enough rows for the table to run over several pages."""
    from tests.factories import SchoolFactory

    for n in range(12):
        school = SchoolFactory(short_name=f"МОУ «Школа № {100 + n}»", parent=municipality)
        for indicator in indicators:
            ValueFactory(
                organization=school,
                indicator=indicator,
                period=quarter(2025, 1),
                value=n + 1,
                status=ValueStatus.APPROVED,
            )


def _structure(reader):
    """Every structure element's type, walking the tree from the catalog's StructTreeRoot."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    seen, stack = [], [root]
    while stack:
        node = stack.pop()
        node = node.get_object()
        kids = node.get("/K")
        if "/S" in node:
            seen.append((node["/S"], node.get("/A", {}).get("/Scope") if "/A" in node else None))
        if kids is None:
            continue
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                stack.append(kid)
    return seen


def test_pdf_has_the_heading_table_signature_and_page_numbers(
    client, regional_official, region, year_2025, many_schools, indicators
):
    reader = _pdf(client, regional_official, period=year_2025.pk)
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert region.full_name in pages[0]
    assert "Отчёт о достижении целевых показателей результативности внедрения бережливых технологий" in pages[0]
    assert "за 2025 год (01.01.2025 – 31.12.2025)" in pages[0]
    assert "Итого: Управление образования г. Троицка" in text and "МОУ «Школа № 111»" in text
    trained = indicators[0]
    assert "T-TRAINED" in text and trained.name in text
    assert "271,4" in text  # the region's % of target of T-TRAINED: (112 + 78) of 70, with a decimal comma
    assert "Исполнитель:" in text and "Дата:" in text
    assert "Полнота отчётности" in pages[-1]
    total = len(reader.pages)
    assert total >= 3
    for n, page in enumerate(pages, start=1):
        assert f"Стр. {n} из {total}" in page


def test_pdf_repeats_the_table_header_on_every_page_of_the_table(client, regional_official, year_2025, many_schools):
    reader = _pdf(client, regional_official, period=year_2025.pk)
    table_pages = [page.extract_text() for page in reader.pages][:-1]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert re.search(r"№\s*п/п\s*Код\s*Показатель", page)
        assert "% выполнения" in page


def test_pdf_is_tagged_for_screen_readers(client, regional_official, year_2025, many_schools):
    reader = _pdf(client, regional_official, period=year_2025.pk)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ru-RU"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    kinds = Counter(kind for kind, _scope in _structure(reader))
    assert kinds["/H1"] == 1 and kinds["/H2"] == 1 and kinds["/Table"] == 2
    column_headers = [scope for kind, scope in _structure(reader) if kind == "/TH" and scope == "/Column"]
    assert len(column_headers) == 8 + 5  # the report's header row and the completeness list's, once each
    assert kinds["/TR"] > 50 and kinds["/TD"] > 8 * 50
    assert all(page.get("/StructParents") is not None for page in reader.pages)


def test_pdf_opens_without_repair(client, regional_official, year_2025, many_schools):
    """The file is written as it is made (pages' content compressed as each page
    closes, objects streamed to disk): a viewer finds every object where the
    cross-reference table says, and every page's content inflates."""
    data = _pdf_bytes(client, regional_official, period=year_2025.pk)
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n?$", data).group(1))
    table = data[start : data.index(b"trailer", start)].split(b"\n")
    assert table[0] == b"xref"
    count = int(table[1].split()[1])
    entries = table[3 : 3 + count - 1]
    assert len(entries) == count - 1 > 500
    for number, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(f"{number} 0 obj\n".encode()), number
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) >= 3
    for n, page in enumerate(reader.pages, start=1):
        content = page.get_contents().get_data()
        assert f"{n}".encode() in content and b" Tj ET" in content


def test_pdf_of_a_municipality_holds_only_it(client, official, year_2025, many_schools, municipality):
    text = "\n".join(page.extract_text() for page in _pdf(client, official, period=year_2025.pk).pages)
    assert municipality.full_name in text
    assert "Пласт" not in text


def test_coordinators_may_not_download_the_pdf(client, coordinator_a, year_2025):
    client.force_login(coordinator_a)
    assert client.get(reverse("reports:official_pdf"), {"period": year_2025.pk}).status_code == 403


# --- «Стр. N из M»: inside the text area, flush right, for any page count -------------------


def _text_width_mm(text: str, size_pt: float) -> float:
    """The width of ``text`` in PT Sans Regular, read from the font file itself (not from fpdf2)."""
    from fontTools.ttLib import TTFont

    from indicators.pdf import _font_files

    font = TTFont(_font_files()[""])
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = sum(hmtx[cmap[ord(char)]][0] for char in text)
    return units / font["head"].unitsPerEm * size_pt * 25.4 / 72


def _footers(reader, numbers):
    """Page number → (the footer's text, where it ends in mm from the page's left edge)."""
    found = {}
    for n in numbers:
        shown = []

        def seen(text, _cm, tm, _font, size, shown=shown):
            shown.append((text, tm, size))

        reader.pages[n - 1].extract_text(visitor_text=seen)
        [(text, tm, size)] = [item for item in shown if item[0].startswith("Стр.")]
        found[n] = (text, tm[4] * 25.4 / 72 + _text_width_mm(text, size))
    return found


def _stub_report():
    """What the PDF writer reads of a report besides its rows."""
    from types import SimpleNamespace

    return SimpleNamespace(
        title="Отчёт", period_line="за 2025 год", authority_name="Орган", signature=SimpleNamespace(prepared_by="")
    )


def _blank_report_pdf(pages: int) -> str:
    """A report of ``pages`` pages with only the repeated table header and the
    footer on each: the writer of the official PDF, without a database."""
    from indicators.pdf import ReportPDF, write_pdf

    pdf = ReportPDF(_stub_report())
    pdf.add_page()
    pdf.repeat_header = True
    for _ in range(pages - 1):
        pdf.new_page()
    return write_pdf(pdf)


def test_page_numbers_of_a_region_sized_report_stay_flush_inside_the_right_margin():
    """A region's report has ≈1,550 pages: fpdf2's {nb} reserved three digits,
    so «из 1554» ran a digit past the text area into the right margin."""
    import os
    import warnings

    from indicators.pdf import MARGIN, PAGE_W

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = _blank_report_pdf(1554)
    try:
        assert [str(w.message) for w in caught] == []  # fpdf2 warned: the page count is wider than its alias
        reader = PdfReader(path)
        assert len(reader.pages) == 1554
        footers = _footers(reader, [1, 9, 10, 99, 100, 999, 1000, 1554])
    finally:
        os.unlink(path)
    assert {n: text for n, (text, _end) in footers.items()} == {n: f"Стр. {n} из 1554" for n in footers}
    ends = [end for _text, end in footers.values()]
    assert max(ends) <= PAGE_W - MARGIN  # inside the printable area: 287 mm on A4 landscape
    assert max(ends) - min(ends) < 0.01  # flush right: every footer ends at the same place
    assert ends[0] == pytest.approx(PAGE_W - MARGIN - 1, abs=0.01)  # 1 mm inside the table's right edge


def test_page_numbers_end_at_the_same_place_for_any_page_count(client, regional_official, year_2025, many_schools):
    """The real report (a few pages) and page counts up to 99,999: the footer's
    line ends where the region's does, whatever the widths of N and M."""
    from indicators.pdf import MARGIN, PAGE_W, ReportPDF

    reader = _pdf(client, regional_official, period=year_2025.pk)
    total = len(reader.pages)
    for n, (text, end) in _footers(reader, range(1, total + 1)).items():
        assert text == f"Стр. {n} из {total}"
        assert end == pytest.approx(PAGE_W - MARGIN - 1, abs=0.01)

    pdf = ReportPDF(_stub_report())
    pdf.add_page()
    pdf.new_page()  # the first page's footer: its font is chosen
    for page, count in [(1, 1), (7, 12), (1554, 1554), (99_999, 99_999)]:
        line = pdf.page_count_line(page, count).decode("latin-1")
        x_pt = float(re.match(r"BT (\S+) \S+ Td", line).group(1))
        end = x_pt * 25.4 / 72 + _text_width_mm(f"Стр. {page} из {count}", 8)
        assert end == pytest.approx(PAGE_W - MARGIN - 1, abs=0.01), (page, count)
