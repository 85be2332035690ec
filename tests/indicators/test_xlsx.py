"""The fast row path of the XLSX writer produces what openpyxl reads back."""

import io

import xlsxwriter
from openpyxl import load_workbook

from indicators.xlsx import FastRowWorksheet


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
