"""Fixtures of the API and open data tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from api.services import token_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    """An API client that authenticates with a fresh personal token of ``user``."""
    client = APIClient()
    if user is not None:
        _token, key = token_create(actor=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-123")
    call_command("seed_demo", quiet_accounts=True)


def all_pages(client: APIClient, url: str, **params) -> list[dict]:
    """Every row of a cursor-paginated list, following ``next``."""
    rows = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content[:500]
        data = response.json()
        if isinstance(data, list):
            return data
        rows += data["results"]
        if not data["next"]:
            return rows
        response = client.get(data["next"])
