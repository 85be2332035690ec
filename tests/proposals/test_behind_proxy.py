"""The visitor's address behind the proxy: limits and lock-outs per visitor,
forged headers from outside the trusted proxies ignored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leanedu.client_ip import resolve
from proposals.models import Proposal
from tests.factories import UserFactory

PROXY = "10.0.0.5"
TRUSTED = ["127.0.0.1", "::1", "10.0.0.0/24"]


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = TRUSTED
    return settings


def visitor(address: str, forwarded_for: str | None = None, peer: str = PROXY) -> Client:
    """A browser at ``address`` reaching the app through nginx at ``peer``."""
    header = forwarded_for if forwarded_for is not None else address
    return Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=header)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        # the client prepends a forged hop: nginx appends the real one on the right
        ("10.0.0.5", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # two of our proxies in a row
        ("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # a request straight from the internet: its header is ignored
        ("203.0.113.99", "1.2.3.4", "203.0.113.99"),
        # no header from the proxy: the proxy itself
        ("10.0.0.5", "", "10.0.0.5"),
        # garbage to the left of a trusted hop
        ("10.0.0.5", "not-an-ip, 10.0.0.7", "10.0.0.7"),
        ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.5", "203.0.113.7:51234", "203.0.113.7"),
    ],
)
def test_right_most_untrusted_hop(peer, forwarded, expected):
    assert resolve(peer, forwarded, TRUSTED) == expected


def post_proposal(client, form_data):
    return client.post("/proposals/new/", form_data())


@pytest.mark.django_db
def test_two_visitors_behind_one_proxy_are_limited_separately(behind_proxy, form_data):
    behind_proxy.PROPOSALS_MIN_FILL_SECONDS = 0
    behind_proxy.PROPOSALS_RATE_LIMIT_PER_HOUR = 2
    first, second = visitor("203.0.113.7"), visitor("198.51.100.20")
    assert post_proposal(first, form_data).status_code == 302
    assert post_proposal(first, form_data).status_code == 302
    assert post_proposal(first, form_data).status_code == 429
    # the second visitor shares the proxy, not the limit
    assert post_proposal(second, form_data).status_code == 302
    stored = Proposal.objects.order_by("pk")
    assert {p.submitted_ip for p in stored} == {"203.0.113.7", "198.51.100.20"}
    assert all(p.consent_ip == p.submitted_ip for p in stored)


@pytest.mark.django_db
def test_a_forged_header_from_outside_the_proxy_does_not_dodge_the_limit(behind_proxy, form_data):
    behind_proxy.PROPOSALS_MIN_FILL_SECONDS = 0
    behind_proxy.PROPOSALS_RATE_LIMIT_PER_HOUR = 1
    attacker = "203.0.113.66"
    assert post_proposal(visitor("1.1.1.1", peer=attacker), form_data).status_code == 302
    # a new forged address each time, sent straight to the app: still one sender
    assert post_proposal(visitor("2.2.2.2", peer=attacker), form_data).status_code == 429
    assert Proposal.objects.get().submitted_ip == attacker


@pytest.mark.django_db
def test_two_visitors_behind_one_proxy_are_locked_out_separately(behind_proxy):
    UserFactory(username="office_clerk")
    url = reverse("login")
    guesser, clerk = visitor("203.0.113.7"), visitor("198.51.100.20")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        guesser.post(url, {"username": "office_clerk", "password": "wrong-password"})
    locked = guesser.post(url, {"username": "office_clerk", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    # the real owner, at another address behind the same proxy, still signs in
    response = clerk.post(url, {"username": "office_clerk", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert clerk.session["_auth_user_id"]


@pytest.mark.django_db
def test_without_the_proxy_setting_the_header_is_ignored(settings, form_data):
    settings.BEHIND_PROXY = False
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    client = visitor("203.0.113.7", peer="198.51.100.3")
    assert post_proposal(client, form_data).status_code == 302
    assert Proposal.objects.get().submitted_ip == "198.51.100.3"


def test_a_wrong_trusted_proxy_stops_the_start_with_one_line():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_TRUSTED_PROXIES"] = "127.0.0.1,nginx.local"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES" in result.stderr and "nginx.local" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_the_api_throttles_visitors_behind_one_proxy_separately(behind_proxy):
    from django.core.cache import cache

    cache.clear()
    behind_proxy.API_ANON_RATE = "2/hour"
    first, second = visitor("203.0.113.7"), visitor("198.51.100.20")
    assert [first.get("/api/v1/indicators/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/indicators/").status_code == 200
    # a forged header sent straight to the app does not give a new address
    forger = visitor("1.1.1.1", peer="203.0.113.66")
    assert [forger.get("/api/v1/indicators/").status_code for _ in range(2)] == [200, 200]
    assert visitor("2.2.2.2", peer="203.0.113.66").get("/api/v1/indicators/").status_code == 429
