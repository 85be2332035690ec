"""Reports: who may download, what the files hold (scoped), cell by cell."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import Indicator, Value, ValueStatus
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


@pytest.fixture
def signed_setup(region, municipality, regional_official, official):
    """What the signature block is filled from: the bodies' heads, the readers' positions and phones."""
    from leanedu.models import Membership

    region.head_position, region.head_name = "Министр образования", "А. И. Кравченко"
    region.save()
    municipality.head_position, municipality.head_name = "Начальник Управления образования", "С. В. Иванова"
    municipality.save()
    regional_official.first_name, regional_official.last_name = "Игорь", "Волков"
    regional_official.save()
    Membership.objects.filter(user=regional_official).update(position="Консультант", phone="+7 (351) 263-88-07")
    Membership.objects.filter(user=official).update(position="Главный специалист", phone="+7 (35163) 2-21-43")


@pytest.fixture
def computed_indicators(db):
    from indicators.models import Method, Unit
    from tests.indicators.factories import IndicatorFactory

    return [
        IndicatorFactory(
            code="BT-C2",
            name="Число завершённых проектов",
            unit=Unit.UNITS,
            method=Method.COMPLETED_PROJECTS,
            sort_order=20,
        ),
        IndicatorFactory(
            code="BT-C3",
            name="Доля организаций с проектом",
            unit=Unit.PERCENT,
            method=Method.ORGS_WITH_COMPLETED,
            sort_order=21,
        ),
    ]


def _official(client, user, year, **extra):
    return load_workbook(io.BytesIO(download(client, user, "official_xlsx", period=year.pk, **extra)))


def _groups(rows):
    return [row[2] for row in rows if row[0] is None and row[1] is None and isinstance(row[2], str)]


def test_official_report_of_the_region_heading_codes_totals_and_signature(
    client, regional_official, reported, year_2025, indicators, region, computed_indicators, signed_setup, school_a
):
    from documents.models import Document

    basis = Document.objects.create(
        authority=region,
        number="0173307",
        date_signed=datetime.date(2021, 12, 29),
        title="Об утверждении целевых показателей",
    )
    Indicator.objects.update(legal_basis=basis)
    workbook = _official(client, regional_official, year_2025)
    assert workbook.sheetnames == ["Отчёт", "Полнота отчётности"]
    sheet = workbook["Отчёт"]
    # Heading: authority, title, period with dates, legal basis from the registry.
    assert sheet["A1"].value == region.full_name
    assert sheet["A2"].value.startswith("Отчёт о достижении целевых показателей")
    assert sheet["A3"].value == "за 2025 год (01.01.2025 – 31.12.2025)"
    assert (
        "0173307" in sheet["A4"].value
        and "29.12.2021" in sheet["A4"].value
        and sheet["A4"].value.startswith("Основание:")
    )
    assert [c.value for c in sheet[6]] == [
        "№ п/п",
        "Код",
        "Показатель",
        "Единица измерения",
        "Базовое значение",
        "Целевое значение",
        "Факт",
        "% выполнения",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7, max_col=8)]
    # Region total, then per municipality its subtotal and its organisations.
    assert _groups(rows)[:6] == [
        f"Итого: {region.short_name}",
        "Итого: Управление образования г. Пласт",
        "МОУ «СОШ № 1 г. Пласт»",
        "Итого: Управление образования г. Троицка",
        "МОУ «СОШ № 13»",
        "МОУ «СОШ № 15»",
    ]
    trained, share, waiting = indicators
    unit = {i.pk: str(i.get_unit_display()) for i in indicators}
    # The region total: 7 + 5 + 100 trained (targets 10 + 10 + 50, baselines 1 + 2 + 5), the mean of 60 and 80 for the share.
    assert rows[1] == [1, "T-TRAINED", trained.name, unit[trained.pk], 8, 70, 112, 160]
    assert rows[2][:7] == [2, "T-SHARE", share.name, unit[share.pk], 15, 75, 70]
    # Computed indicators are in the same table, with their codes.
    assert rows[4][:7] == [4, "BT-C2", "Число завершённых проектов", "ед.", None, None, 0]
    assert rows[5][:7] == [5, "BT-C3", "Доля организаций с проектом", "%", None, None, 0]
    troitsk = _groups(rows).index("Итого: Управление образования г. Троицка")
    at = [n for n, row in enumerate(rows) if row[2] == "Итого: Управление образования г. Троицка"][0]
    assert troitsk == 3
    assert rows[at + 1] == [1, "T-TRAINED", trained.name, unit[trained.pk], 3, 20, 12, 60]
    assert rows[at + 2] == [2, "T-SHARE", share.name, unit[share.pk], 15, 75, 70, 93.3]
    assert rows[at + 3] == [3, "T-WAIT", waiting.name, unit[waiting.pk], 30, 10, 15, 66.7]
    org = [n for n, row in enumerate(rows) if row[2] == "МОУ «СОШ № 13»"][0]
    assert rows[org + 1] == [1, "T-TRAINED", trained.name, unit[trained.pk], 1, 10, 7, 70]
    # Number formats: whole counts, one decimal for percentages and minutes.
    line = 7 + org + 1
    assert sheet[f"E{line}"].number_format == "0" and sheet[f"G{line}"].number_format == "0"
    assert sheet[f"G{line + 1}"].number_format == "0.0"  # the share, %
    assert sheet[f"G{line + 2}"].number_format == "0.0"  # minutes
    assert sheet[f"H{line}"].number_format == "0.0"
    # The signature block: the region's head, who prepared it, the phone, the date.
    texts = [c.value for row in sheet.iter_rows(min_row=7) for c in row if isinstance(c.value, str)]
    assert "Министр образования" in texts and "А. И. Кравченко" in texts
    assert "Исполнитель: Игорь Волков, Консультант" in texts and "Телефон: +7 (351) 263-88-07" in texts
    date_cell = [c for row in sheet.iter_rows(min_row=7) for c in row if c.is_date][0]
    assert date_cell.value.date() == timezone.localdate() and date_cell.number_format == "dd.mm.yyyy"


@pytest.mark.parametrize("name", ["Отчёт", "Полнота отчётности"])
def test_official_report_prints_on_a4_landscape_one_page_wide(client, regional_official, reported, year_2025, name):
    sheet = _official(client, regional_official, year_2025)[name]
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # one page wide, as many as needed down
    assert sheet.print_title_rows == "$6:$6"  # the header row on every page
    assert sheet.oddFooter.center.text == "Стр. &P из &N"
    assert sheet.freeze_panes == "A7"
    assert sheet.print_area == f"'{name}'!$A$1:${'H' if name == 'Отчёт' else 'E'}${sheet.max_row}"


def test_official_report_of_a_municipality_has_its_total_then_its_organisations(
    client, official, reported, year_2025, municipality, signed_setup
):
    sheet = _official(client, official, year_2025)["Отчёт"]
    assert sheet["A1"].value == municipality.full_name
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7, max_col=8)]
    assert _groups(rows) == ["Итого: Управление образования г. Троицка", "МОУ «СОШ № 13»", "МОУ «СОШ № 15»"]
    texts = [c.value for row in sheet.iter_rows(min_row=7) for c in row if isinstance(c.value, str)]
    assert "Начальник Управления образования" in texts and "С. В. Иванова" in texts


def test_completeness_lists_who_has_not_reported(client, regional_official, reported, year_2025, municipality):
    from tests.factories import SchoolFactory

    SchoolFactory(short_name="МОУ «СОШ № 99»", parent=municipality)
    sheet = _official(client, regional_official, year_2025)["Полнота отчётности"]
    assert "Полнота отчётности" in sheet["A2"].value
    assert [c.value for c in sheet[6]] == [
        "№ п/п",
        "Муниципалитет",
        "Организация",
        "Утверждено значений",
        "Ожидается значений",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7)]
    # school_a reported all three, school_b two, school_elsewhere one, СОШ № 99 none.
    assert rows == [
        [1, "Управление образования г. Пласт", "МОУ «СОШ № 1 г. Пласт»", 1, 3],
        [2, "Управление образования г. Троицка", "МОУ «СОШ № 15»", 2, 3],
        [3, "Управление образования г. Троицка", "МОУ «СОШ № 99»", 0, 3],
    ]


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
    for name in ("values_csv", "values_xlsx", "official_xlsx", "official_pdf"):
        with django_assert_max_num_queries(25):
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
