"""The open data files, parsed back as a consumer would, agree with the database."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from documents.models import Document
from indicators.models import Value, ValueStatus
from projects.models import PilotSite, Project

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")  # strict: the files are UTF-8
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_register_passports_structures_and_data_agree_with_the_database(client, demo):
    register = read_csv(client.get("/opendata/list.csv"))
    assert register[0]["property"] == "standardversion"
    sets = {row["property"]: row for row in register[1:]}
    assert set(sets) == {"documents", "pilot-sites", "projects", "indicator-values", "indicator-facts"}
    expected_rows = {
        "documents": Document.objects.filter(is_public=True).count(),
        "pilot-sites": PilotSite.objects.count(),
        "projects": Project.objects.public().count(),
        "indicator-values": Value.objects.filter(status=ValueStatus.APPROVED).count(),
    }
    for identifier, row in sets.items():
        assert row["format"] == "csv"
        meta = {r["property"]: r["value"] for r in read_csv(client.get(row["value"]))}
        for field in ("identifier", "title", "description", "creator", "format", "created", "modified", "subject"):
            assert meta[field], field
        assert meta["identifier"] == identifier
        data_key = next(k for k in meta if k.startswith("data-"))
        structure_key = next(k for k in meta if k.startswith("structure-"))
        assert data_key == f"data-{meta['modified']}-structure-{structure_key.removeprefix('structure-')}"
        structure = read_csv(client.get(meta[structure_key]))
        assert list(structure[0]) == ["field name", "english description", "russian description", "format"]
        rows = read_csv(client.get(meta[data_key]))
        assert len(rows) == expected_rows.get(identifier, len(rows)) > 0
        assert list(rows[0]) == [field["field name"] for field in structure]


def test_the_values_set_is_the_approved_values_cell_by_cell(client, demo):
    meta_url = "/opendata/indicator-values/meta.csv"
    meta = {r["property"]: r["value"] for r in read_csv(client.get(meta_url))}
    data_url = meta[next(k for k in meta if k.startswith("data-"))]
    rows = read_csv(client.get(data_url))
    db = {
        v.pk: v
        for v in Value.objects.filter(status=ValueStatus.APPROVED).select_related("indicator", "period", "organization")
    }
    assert {int(r["id"]) for r in rows} == set(db)
    for row in rows:
        value = db[int(row["id"])]
        assert Decimal(row["value"]) == value.value
        assert row["indicator_code"] == value.indicator.code
        assert row["period"] == value.period.code
        assert int(row["organization_id"]) == value.organization_id
        assert row["organization"] == value.organization.short_name
        assert row["period_start"] == value.period.starts_on.isoformat()


def test_data_files_answer_conditional_requests_and_old_versions_are_gone(client, demo):
    meta = {r["property"]: r["value"] for r in read_csv(client.get("/opendata/documents/meta.csv"))}
    data_url = meta[next(k for k in meta if k.startswith("data-"))]
    first = client.get(data_url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(data_url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(data_url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/opendata/documents/data-20000101-structure-20261127.csv").status_code == 404
    assert client.get("/opendata/nothing/meta.csv").status_code == 404
    assert (
        client.get("/opendata/list.csv", HTTP_IF_NONE_MATCH=client.get("/opendata/list.csv")["ETag"]).status_code == 304
    )


def test_the_api_publishes_the_same_passports(api, client, demo):
    passports = api.get("/api/v1/datasets/").json()
    for passport in passports:
        meta = {r["property"]: r["value"] for r in read_csv(client.get(passport["meta_url"]))}
        assert meta["identifier"] == passport["identifier"]
        assert meta["title"] == passport["title"]
        assert meta["modified"] == passport["version"]
        assert passport["data_url"] in meta.values()
    one = api.get(f"/api/v1/datasets/{passports[0]['identifier']}/").json()
    assert one == passports[0]
    assert api.get("/api/v1/datasets/nothing/").status_code == 404


def test_index_page_lists_the_sets_in_russian(client, demo):
    html = client.get("/opendata/").content.decode()
    assert "Открытые данные" in html or "Open data" in html
    assert "list.csv" in html and "meta.csv" in html
