"""The fast row path of the XLSX writer produces what openpyxl reads back."""

import io
import zipfile
import zlib

import xlsxwriter
from openpyxl import load_workbook

from indicators.xlsx import FastRowWorksheet, Workbook


def test_plain_rows_round_trip_with_awkward_strings(tmp_path):
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True, "num_format": "0.0"})
    sheet = book.add_worksheet("Лист", worksheet_class=FastRowWorksheet)
    sheet.write_string(0, 0, "заголовок")
    rows = [
        ["A & B <C>", 1, 2.5, None, "  пробелы  "],
        ['«кавычки» "двойные"', 0, 1e-3, "", "ctrl\x01char"],
        ["_x0041_", 123456789012, -4.25, "ещё", "конец"],
    ]
    for n, row in enumerate(rows, start=2):
        sheet.write_plain_row(n, row, [None, bold, None, None, None])
    sheet.write_string(6, 0, "после")
    book.close()
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet["A1"].value == "заголовок"
    assert [c.value for c in sheet[3]] == ["A & B <C>", 1, 2.5, None, "  пробелы  "]
    assert [c.value for c in sheet[4]][:4] == ['«кавычки» "двойные"', 0, 0.001, None]
    # A literal "_x0041_" is escaped the way xlsxwriter and Excel do it (openpyxl does not decode it).
    assert [c.value for c in sheet[5]] == ["_x005F_x0041_", 123456789012, -4.25, "ещё", "конец"]
    assert sheet["B3"].number_format == "0.0" and sheet["B3"].font.b
    assert sheet["A7"].value == "после"


def test_runs_of_cells_round_trip_through_shared_strings(tmp_path):
    """``cells`` + ``write_cells_row``: repeated runs reused across rows, text
    in the shared strings (awkward text included), free text inline, mixed
    with xlsxwriter's own writes and ``write_plain_row`` in any order."""
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    number = book.add_format({"num_format": "0.00"})
    sheet = book.add_worksheet("Лист", worksheet_class=FastRowWorksheet)
    sheet.set_row(0, 30)
    sheet.write_string(0, 0, "заголовок")
    awkward = sheet.cells(0, ["A & B <C>", "  пробелы  ", "<r>не разметка</r>", "ctrl\x01char", "_x0041_"], [None] * 5)
    plain = sheet.cells(0, ["обычный", "", None, 7, "обычный"], [None, number, None, number, None])
    for row in range(1, 400):  # more rows than one buffered batch
        first = awkward if row % 2 else plain
        value = sheet.cells(5, [row * 1.5], [number])
        note = sheet.cells(6, [f"=HYPERLINK({row})"], [None], shared=False)
        sheet.write_cells_row(row, (first, value, note))
    sheet.write_plain_row(400, ["строка", 1], [None, None])
    sheet.write_string(401, 0, "после")
    book.close()
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    sheet = workbook.active
    assert sheet["A1"].value == "заголовок" and sheet.row_dimensions[1].height == 30
    assert [c.value for c in sheet[2]] == [
        "A & B <C>",
        "  пробелы  ",
        "<r>не разметка</r>",
        "ctrl_x0001_char",
        "_x005F_x0041_",
        1.5,
        "=HYPERLINK(1)",
    ]
    assert [c.value for c in sheet[3]] == ["обычный", None, None, 7, "обычный", 3.0, "=HYPERLINK(2)"]
    assert sheet["B3"].number_format == "0.00" and sheet["G3"].data_type == "s"
    assert sheet["F400"].value == 399 * 1.5
    assert [c.value for c in sheet[401]][:2] == ["строка", 1]
    assert sheet["A402"].value == "после"
    assert sheet.max_row == 402
    with zipfile.ZipFile(path) as archive:
        shared = archive.read("xl/sharedStrings.xml").decode()
    # Each distinct string once; "<r>…</r>", control characters and "_x0041_" stay
    # inline (xlsxwriter's shared strings would not keep them literally). The count
    # is every reference: 200 rows × 2 + 199 rows × 2.
    assert 'count="798" uniqueCount="3"' in shared


def test_our_workbooks_deflate_at_their_level_and_others_at_zlibs_default(tmp_path):
    """The level reaches xlsxwriter's zip file (an xlsxwriter upgrade that makes
    it elsewhere fails here), and only for our workbooks."""

    def sheet_entry(workbook_class):
        path = tmp_path / f"{workbook_class.__name__}.xlsx"
        book = workbook_class(str(path), {"constant_memory": True})
        sheet = book.add_worksheet()
        for row in range(3000):
            sheet.write_row(row, 0, [f"Организация {row % 97}", row * 1.5, f"Показатель {row % 13}"])
        book.close()
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            return archive.getinfo("xl/worksheets/sheet1.xml").compress_size, archive.read("xl/worksheets/sheet1.xml")

    def deflated(data: bytes, level: int) -> int:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(compressor.compress(data) + compressor.flush())

    ours, xml = sheet_entry(Workbook)
    assert Workbook.compresslevel == 2
    assert ours == deflated(xml, 2) != deflated(xml, 6)
    theirs, xml = sheet_entry(xlsxwriter.Workbook)
    assert theirs == deflated(xml, 6)
