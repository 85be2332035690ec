"""Import of values from XLSX: template, preview errors, all-or-nothing apply."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.exports import TEMPLATE_HEADER
from indicators.imports import HEADER_MARK, import_preview, values_import
from indicators.models import Value, ValueStatus
from tests.indicators.factories import quarter

pytestmark = pytest.mark.django_db


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["Период: 2025-Q3"])
    sheet.append([])
    sheet.append(TEMPLATE_HEADER)
    for org, code, value, *comment in rows:
        sheet.append([org, "", code, "", "", value, comment[0] if comment else None])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


@pytest.fixture
def q3(periods):
    return quarter(2025, 3)


def test_template_lists_organisations_and_codes(client, office, periods, indicators, school_a, school_b, q3):
    client.force_login(office)
    response = client.get(reverse("reports:import_template"), {"period": q3.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A4"].value == HEADER_MARK
    rows = [(r[0].value, r[2].value) for r in sheet.iter_rows(min_row=5)]
    assert (school_a.pk, "T-TRAINED") in rows and (school_b.pk, "T-SHARE") in rows
    assert len(rows) == 2 * len(indicators)


def test_preview_lists_every_rows_errors(office, reported, school_a, school_b, indicators):
    q1 = quarter(2025, 1)
    source = workbook(
        [
            (school_b.pk, "T-WAIT", 12),  # fine
            (999999, "T-WAIT", 1),  # unknown organisation
            (school_b.pk, "NOPE", 1),  # unknown indicator
            (school_b.pk, "T-TRAINED", "много"),  # not a number (and locked: school_b reported Q1)
            (school_a.pk, "T-SHARE", 150),  # out of range (and locked)
            (school_a.pk, "T-WAIT", 10),  # locked by approval
        ]
    )
    preview = import_preview(actor=office, source=source, period=q1)
    errors = dict(preview.errors)
    assert set(errors) == {5, 6, 7, 8, 9}
    # named as the template's column is: «ID организации»
    assert "Нет организации с ID 999999 (столбец «ID организации»)." in errors[5]
    assert any("показател" in e for e in errors[6])
    assert any("не число" in e for e in errors[7])
    assert any("0 до 100" in e for e in errors[8])
    assert any("утвержден" in e for e in errors[9])
    assert len(preview.rows) == 1 and not preview.ok


def test_one_bad_row_anywhere_means_nothing_is_saved(office, periods, indicators, school_a, school_b, q3):
    rows = [(school_a.pk, "T-TRAINED", 3), (school_a.pk, "T-SHARE", "40,5"), (school_b.pk, "T-SHARE", 101)]
    with pytest.raises(ValidationError):
        values_import(actor=office, source=workbook(rows), period=q3)
    assert not Value.objects.exists()


def test_a_clean_file_is_applied_with_history(office, periods, indicators, school_a, school_b, q3):
    rows = [
        (school_a.pk, "T-TRAINED", 3, "по журналу"),
        (school_a.pk, "T-SHARE", "40,5"),
        (school_b.pk, "T-WAIT", 12.0),
    ]
    preview = values_import(actor=office, source=workbook(rows), period=q3)
    assert (preview.to_create, preview.to_update) == (3, 0)
    values = {(v.organization_id, v.indicator.code): v for v in Value.objects.select_related("indicator")}
    assert values[(school_a.pk, "T-SHARE")].value == Decimal("40.5")
    assert values[(school_a.pk, "T-TRAINED")].comment == "по журналу"
    assert {v.status for v in values.values()} == {ValueStatus.SUBMITTED}
    assert Value.history.count() == 3
    # A second import updates the same rows and approves them.
    preview = values_import(actor=office, source=workbook([(school_a.pk, "T-TRAINED", 4)]), period=q3, approve=True)
    assert (preview.to_create, preview.to_update) == (0, 1)
    assert Value.objects.get(organization=school_a, indicator__code="T-TRAINED").status == ValueStatus.APPROVED


@pytest.mark.parametrize("who", ["coordinator_a", "official", "regional_official"])
def test_only_office_imports(request, who, periods, q3):
    with pytest.raises(PermissionDenied):
        import_preview(actor=request.getfixturevalue(who), source=workbook([]), period=q3)


def test_upload_preview_and_apply_through_the_pages(
    client, office, periods, indicators, school_a, q3, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office)
    upload = SimpleUploadedFile("values.xlsx", workbook([(school_a.pk, "T-TRAINED", 7)]).read())
    response = client.post(reverse("reports:import_upload"), {"period": q3.pk, "file": upload})
    assert response.status_code == 200 and response.context["preview"].ok
    assert not Value.objects.exists()
    response = client.post(reverse("reports:import_apply"))
    assert response.status_code == 302
    assert Value.objects.get().value == 7


def test_upload_with_errors_shows_them_and_apply_saves_nothing(
    client, office, periods, indicators, school_a, q3, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office)
    upload = SimpleUploadedFile("values.xlsx", workbook([(school_a.pk, "T-TRAINED", 7), (school_a.pk, "X", 1)]).read())
    response = client.post(reverse("reports:import_upload"), {"period": q3.pk, "file": upload})
    assert response.status_code == 200 and "X" in response.content.decode()
    assert response.context["preview"].errors
    client.post(reverse("reports:import_apply"))
    assert not Value.objects.exists()


def test_a_file_that_is_not_xlsx_is_refused(client, office, periods, q3):
    client.force_login(office)
    upload = SimpleUploadedFile("values.xlsx", b"not a workbook at all")
    response = client.post(reverse("reports:import_upload"), {"period": q3.pk, "file": upload})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["coordinator_a", "official"])
def test_import_pages_are_for_office_staff(client, request, who, periods, q3):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("reports:import_upload"), {"period": q3.pk}).status_code == 403
    assert client.get(reverse("reports:import_template"), {"period": q3.pk}).status_code == 403
