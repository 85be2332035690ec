"""Reports: who may download, what the files hold (scoped), cell by cell."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Value, ValueStatus
from tests.indicators.factories import ValueFactory, quarter

pytestmark = pytest.mark.django_db


def download(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(f"reports:{name}"), params)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_reports_page_needs_login(client, periods):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("reports:values_csv"), {"period": periods[0].pk})
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["index", "official_xlsx", "values_xlsx", "values_csv"])
def test_coordinators_may_not_download(client, coordinator_a, year_2025, name):
    client.force_login(coordinator_a)
    assert client.get(reverse(f"reports:{name}"), {"period": year_2025.pk}).status_code == 403


@pytest.mark.parametrize("who", ["official", "regional_official", "office", "office_admin"])
def test_officials_and_office_open_the_reports_page(client, request, who, year_2025):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reports:index"))
    assert response.status_code == 200
    assert reverse("reports:official_xlsx") in response.content.decode()


def read_csv(content: bytes, separator=";"):
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=separator))


@pytest.mark.parametrize(
    ("who", "expected"),
    [("official", 8), ("regional_official", 9), ("office", 9)],
)
def test_csv_holds_only_the_readers_scope(client, request, reported, year_2025, who, expected):
    rows = read_csv(download(client, request.getfixturevalue(who), "values_csv", period=year_2025.pk))
    assert rows[0][:2] == ["Муниципалитет", "Организация"]
    assert len(rows) == expected + 1
    if who == "official":
        assert "МОУ «СОШ № 1 г. Пласт»" not in {row[1] for row in rows}


def test_csv_separator_and_decimal_mark(client, official, reported, year_2025, school_a, share):
    ValueFactory(organization=school_a, indicator=share, period=year_2025, value=Decimal("55.25"))
    semicolon = read_csv(download(client, official, "values_csv", period=year_2025.pk))
    assert all(len(row) == 12 for row in semicolon)
    assert "55,25" in {row[9] for row in semicolon}
    comma = read_csv(download(client, official, "values_csv", period=year_2025.pk, separator=","), ",")
    assert len(comma) == len(semicolon) and all(len(row) == 12 for row in comma)
    assert "55.25" in {row[9] for row in comma}


def test_csv_of_an_official_leaves_out_drafts(client, official, reported, school_a, trained, year_2025):
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2025, 3), status=ValueStatus.DRAFT)
    rows = read_csv(download(client, official, "values_csv", period=year_2025.pk))
    assert len(rows) == 9


def test_flat_xlsx_matches_the_database_cell_by_cell(client, regional_official, reported, year_2025):
    sheet = load_workbook(io.BytesIO(download(client, regional_official, "values_xlsx", period=year_2025.pk))).active
    assert sheet.freeze_panes == "A6"
    assert sheet["A2"].value.startswith("Период:")
    assert sheet["B3"].number_format == "dd.mm.yyyy"
    header = [c.value for c in sheet[5]]
    assert header[0] == "Муниципалитет" and header[9] == "Значение"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    expected = Value.objects.order_by(
        "organization__municipality__short_name",
        "organization__short_name",
        "period__starts_on",
        "indicator__sort_order",
    ).select_related("organization__municipality", "indicator", "period")
    assert len(rows) == expected.count() == 9
    for row, value in zip(rows, expected, strict=True):
        assert row[0] == value.organization.municipality.short_name
        assert row[1] == value.organization.short_name
        assert row[2] == value.organization_id
        assert row[3] == value.indicator.code
        assert row[4] == value.indicator.name
        assert row[5] == str(value.indicator.get_unit_display())
        assert row[7] == value.period.starts_on.strftime("%d.%m.%Y")
        assert row[8] == value.period.ends_on.strftime("%d.%m.%Y")
        assert Decimal(str(row[9])) == value.value
        assert row[10] == "утверждено"


def test_official_table_cell_by_cell(client, official, reported, year_2025, indicators):
    workbook = load_workbook(io.BytesIO(download(client, official, "official_xlsx", period=year_2025.pk)))
    assert workbook.sheetnames == ["По муниципалитетам", "По организациям"]
    trained, share, waiting = indicators
    unit = {i.pk: str(i.get_unit_display()) for i in indicators}
    header = [
        "№ п/п",
        "Показатель",
        "Единица измерения",
        "Базовое значение",
        "Целевое значение",
        "Факт",
        "% выполнения",
    ]

    munis = workbook["По муниципалитетам"]
    assert [c.value for c in munis[5]] == header
    assert munis.freeze_panes == "A6"
    assert "2025" in munis["A2"].value
    assert munis["B3"].is_date and munis["B3"].number_format == "dd.mm.yyyy"
    assert munis["D7"].number_format == "#,##0.00" and munis["G7"].number_format == "0.0"
    assert munis.column_dimensions["B"].width > 50
    rows = [[c.value for c in row] for row in munis.iter_rows(min_row=6)]
    assert rows == [
        [None, "Управление образования г. Троицка", None, None, None, None, None],
        [1, trained.name, unit[trained.pk], 3, 20, 12, 60],
        [2, share.name, unit[share.pk], 15, 75, 70, 93.3],
        [3, waiting.name, unit[waiting.pk], 30, 10, 15, 66.7],
    ]

    orgs = workbook["По организациям"]
    rows = [[c.value for c in row] for row in orgs.iter_rows(min_row=6)]
    assert rows == [
        [None, "МОУ «СОШ № 13» (Управление образования г. Троицка)", None, None, None, None, None],
        [1, trained.name, unit[trained.pk], 1, 10, 7, 70],
        [2, share.name, unit[share.pk], 10, 50, 60, 120],
        [3, waiting.name, unit[waiting.pk], 30, 10, 15, 66.7],
        [None, "МОУ «СОШ № 15» (Управление образования г. Троицка)", None, None, None, None, None],
        [1, trained.name, unit[trained.pk], 2, 10, 5, 50],
        [2, share.name, unit[share.pk], 20, 100, 80, 80],
    ]


def test_official_table_uses_approved_values_only(client, office, reported, school_a, trained, year_2025):
    Value.objects.filter(organization=school_a, indicator=trained, period=quarter(2025, 2)).update(
        status=ValueStatus.SUBMITTED
    )
    workbook = load_workbook(io.BytesIO(download(client, office, "official_xlsx", period=year_2025.pk)))
    rows = [[c.value for c in row] for row in workbook["По организациям"].iter_rows(min_row=6)]
    assert [1, trained.name, str(trained.get_unit_display()), 1, 10, 3, 30] in rows


def test_official_may_not_ask_for_another_municipality(client, official, reported, year_2025, other_municipality):
    client.force_login(official)
    response = client.get(
        reverse("reports:official_xlsx"), {"period": year_2025.pk, "municipality": other_municipality.pk}
    )
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("size", [1, 5])
def test_export_query_count_does_not_grow_with_data(
    client, office, periods, indicators, size, django_assert_max_num_queries
):
    from tests.factories import SchoolFactory

    for s in range(size):
        school = SchoolFactory()
        for indicator in indicators:
            for q in (1, 2, 3, 4):
                ValueFactory(organization=school, indicator=indicator, period=quarter(2025, q), value=s + q)
    year = periods[0]
    client.force_login(office)
    for name in ("values_csv", "values_xlsx", "official_xlsx"):
        with django_assert_max_num_queries(10):
            response = client.get(reverse(f"reports:{name}"), {"period": year.pk})
            b"".join(response.streaming_content)


def reference_csv_rows(values, period, decimal_comma=True):
    """What the CSV must hold, cell by cell, from the rows the XLSX is written from
    (``flat_rows``) and the formula-safe rule for text cells."""
    from indicators.exports import FLAT_HEADER, FORMULA_STARTS, flat_rows

    def safe(text):
        return "'" + text if text[:1] in FORMULA_STARTS else text

    expected = [FLAT_HEADER]
    for row in flat_rows(values, period):
        number = format(row[9], "f")
        row[9] = number.replace(".", ",") if decimal_comma else number
        for col in (0, 1, 3, 4, 11):
            row[col] = safe(row[col])
        expected.append([str(cell) for cell in row])
    return expected


@pytest.mark.parametrize("separator", [";", ","])
def test_csv_is_the_reference_cell_by_cell_with_crlf_and_formula_safe_text(
    client, office, reported, year_2025, school_a, trained, separator
):
    ValueFactory(
        organization=school_a,
        indicator=trained,
        period=quarter(2025, 3),
        value=Decimal("1234.5"),
        comment='=HYPERLINK("http://evil")\nвторая строка; "кавычки"\r\nтретья',
    )
    ValueFactory(organization=school_a, indicator=trained, period=quarter(2025, 4), comment="-1+2")
    content = download(client, office, "values_csv", period=year_2025.pk, separator=separator)
    rows = read_csv(content, separator)
    assert rows == reference_csv_rows(Value.objects.all(), year_2025, decimal_comma=separator != ",")
    assert len(rows) == 12
    comments = {row[11] for row in rows}
    assert '\'=HYPERLINK("http://evil")\nвторая строка; "кавычки"\r\nтретья' in comments
    assert "'-1+2" in comments
    assert "1234,50" in {row[9] for row in rows} if separator == ";" else "1234.50" in {row[9] for row in rows}
    # Every record ends with CRLF; the embedded line breaks are kept as they were typed.
    records = content.decode("utf-8-sig").split("\r\n")
    assert records[-1] == "" and len(records) == len(rows) + 1 + 1  # the comment's own CRLF splits once more
