"""What a client of the API sees on the wire: the schema, conditional
requests, throttling, CORS and the docs page under the strict CSP."""

from __future__ import annotations

import json

import pytest
import yaml
from openapi_spec_validator import validate

from api.urls import list_paths

pytestmark = pytest.mark.django_db


def lists() -> list[str]:
    return ["/api/v1/", *list_paths(), "/api/v1/facts/?period=2025", "/api/v1/computed/?period=2025"]


def test_schema_is_valid_openapi_3_and_covers_every_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)  # raises on an invalid OpenAPI document
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for url in lists():
        assert url.split("?")[0] in paths
    as_json = client.get("/api/schema/", {"format": "json"})
    assert json.loads(as_json.content)["info"]["title"] == "leanedu API"


def test_every_list_answers_an_anonymous_reader(api, demo):
    for url in lists():
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json")


def test_etag_and_304(api, demo):
    first = api.get("/api/v1/documents/")
    etag = first["ETag"]
    assert etag.startswith('"')
    again = api.get("/api/v1/documents/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    other = api.get("/api/v1/documents/", {"status": "repealed"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_anonymous_reads_are_throttled_per_address(api, settings):
    settings.API_ANON_RATE = "3/minute"
    for _n in range(3):
        assert api.get("/api/v1/indicators/", REMOTE_ADDR="10.0.0.1").status_code == 200
    refused = api.get("/api/v1/indicators/", REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Another address has its own allowance.
    assert api.get("/api/v1/indicators/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_token_has_its_own_allowance(coordinator_a, settings):
    from tests.api.conftest import client_for

    settings.API_ANON_RATE = "1/minute"
    settings.API_TOKEN_RATE = "5/minute"
    client = client_for(coordinator_a)
    for _n in range(5):
        assert client.get("/api/v1/indicators/").status_code == 200
    assert client.get("/api/v1/indicators/").status_code == 429


def test_cors_allows_get_from_any_origin_on_the_api_and_open_data_only(api, client):
    response = api.get("/api/v1/indicators/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert client.get("/opendata/list.csv", HTTP_ORIGIN="https://example.org")["Access-Control-Allow-Origin"] == "*"
    preflight = api.options(
        "/api/v1/values/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert (
        "GET" in preflight["Access-Control-Allow-Methods"] and "POST" not in preflight["Access-Control-Allow-Methods"]
    )
    page = client.get("/documents/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_the_api_is_read_only(api):
    for method in (api.post, api.put, api.patch, api.delete):
        assert method("/api/v1/documents/").status_code in (403, 405)


def test_docs_page_runs_under_the_strict_csp(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and "<script>" not in html  # nothing inline
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert "cdn" not in html.lower()
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_facts_of_a_municipality_without_organisations_are_empty_not_an_error(api, demo):
    response = api.get("/api/v1/facts/", {"period": "2024-Q2", "level": "organization", "municipality": 560580121})
    assert response.status_code == 200 and response.json()["results"] == []
