"""Fixtures of «Решаем вместе» tests."""

from __future__ import annotations

import pytest
from django.test import Client

from proposals.forms import sign_started
from proposals.models import AuthorRole, Category


@pytest.fixture(autouse=True)
def proposals_settings(settings, tmp_path):
    """Attachments in a temporary directory; the time trap off unless a test turns it on."""
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    settings.PROPOSALS_RATE_LIMIT_PER_HOUR = 5
    return settings


@pytest.fixture
def form_data(school_a):
    """A valid POST of the public form; override fields per test."""

    def build(**overrides):
        data = {
            "author_name": "Анна Иванова",
            "email": "anna.parent@example.org",
            "phone": "+7 912 345-67-89",
            "author_role": AuthorRole.PARENT,
            "organization": str(school_a.pk),
            "category": Category.FOOD,
            "text": "Предлагаю вывешивать меню столовой на неделю вперёд.",
            "consent_personal_data": "on",
            "consent_publish": "on",
            "website": "",
            "started": sign_started(),
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build


@pytest.fixture
def client_ip():
    """A test client with its own address, so rate-limit counts are per test."""

    def build(ip="198.51.100.7"):
        return Client(REMOTE_ADDR=ip)

    return build


@pytest.fixture
def office_client(office):
    client = Client()
    client.force_login(office)
    return client
