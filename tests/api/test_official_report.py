"""«Done when»: the region's approved facts for a year read through the API
agree with the official report (reports → XLSX) to the cell, by
municipality and by organisation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator, Period
from tests.api.conftest import all_pages

pytestmark = pytest.mark.django_db


def cell(value, places: str = "0.01"):
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def sheet_rows(sheet) -> tuple[dict, dict]:
    """The official report's sheet «Отчёт» as two dicts of entered indicators'
    cells (baseline, target, fact, percent): {(municipality, indicator name)}
    from the «Итого: …» subtotals and {("organisation (municipality)", indicator
    name)} from the organisations' blocks (computed indicators left out)."""
    computed = set(Indicator.objects.computed().values_list("code", flat=True))
    by_municipality, by_organisation = {}, {}
    target, group, municipality = None, None, None
    for number, code, name, _unit, baseline, target_value, fact, percent in sheet.iter_rows(
        min_row=7, max_col=8, values_only=True
    ):
        if number is None and code is None:
            if not isinstance(name, str):
                break  # the signature block
            if name.startswith("Итого: "):
                municipality = name.removeprefix("Итого: ")
                target, group = by_municipality, municipality
            else:
                target, group = by_organisation, f"{name} ({municipality})"
            continue
        if target is None or code in computed:
            continue
        target[(group, name)] = (cell(baseline), cell(target_value), cell(fact), cell(percent, "0.1"))
    return by_municipality, by_organisation


def api_rows(api, level: str, title) -> dict[tuple[str, str], tuple]:
    names = dict(Indicator.objects.values_list("code", "name"))
    return {
        (title(row), names[row["indicator"]]): (
            cell(row["baseline"]),
            cell(row["target"]),
            cell(row["fact"]),
            cell(row["percent_of_target"], "0.1"),
        )
        for row in all_pages(api, "/api/v1/facts/", period="2025", level=level, page_size=500)
    }


def test_api_facts_agree_with_the_official_report_cell_by_cell(api, client, demo):
    from leanedu.models import Organization

    client.force_login(get_user_model().objects.get(username="office"))
    period = Period.from_code("2025")
    response = client.get(reverse("reports:official_xlsx"), {"period": period.pk})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content))

    by_municipality, by_organisation = sheet_rows(workbook["Отчёт"])
    assert len(by_municipality) > 10
    assert api_rows(api, "municipality", lambda row: row["area_name"]) == by_municipality

    # The open data set of facts holds the same cells.
    meta_rows = csv.DictReader(io.StringIO(client.get("/opendata/indicator-facts/meta.csv").content.decode()))
    meta = {r["property"]: r["value"] for r in meta_rows}
    data = client.get(meta[next(k for k in meta if k.startswith("data-"))])
    facts = list(csv.DictReader(io.StringIO(b"".join(data.streaming_content).decode(), newline="")))

    def from_set(level: str, title) -> dict:
        return {
            (title(r), r["indicator"]): (
                cell(r["baseline"] or None),
                cell(r["target"] or None),
                cell(r["fact"] or None),
                cell(r["percent_of_target"] or None, "0.1"),
            )
            for r in facts
            if r["year"] == "2025" and r["level"] == level
        }

    assert from_set("municipality", lambda r: r["area"]) == by_municipality

    municipality_of = dict(Organization.objects.values_list("pk", "municipality__short_name"))
    assert len(by_organisation) > 100
    assert (
        api_rows(api, "organization", lambda row: f"{row['area_name']} ({municipality_of[row['area_id']] or ''})")
        == by_organisation
    )
    assert from_set("organization", lambda r: f"{r['area']} ({r['municipality']})") == by_organisation
