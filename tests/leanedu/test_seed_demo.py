"""seed_demo is idempotent and builds a synthetic region on request."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from leanedu.models import Membership, Organization

pytestmark = pytest.mark.django_db


def counts():
    return (Organization.objects.count(), get_user_model().objects.count(), Membership.objects.count())


def test_seed_demo_twice_neither_fails_nor_duplicates(capsys, settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "coordinator" in out and "demo-password-123" in out
    assert Organization.objects.filter(short_name="Управление образования г. Троицка").exists()
    assert Organization.objects.filter(parent__short_name="Управление образования г. Троицка").count() >= 10
    user = get_user_model().objects.get(username="coordinator")
    assert user.check_password("demo-password-123")


def test_every_role_has_a_demo_account(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", quiet_accounts=True)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"coordinator", "official", "office", "admin"}


def test_region_seed_adds_municipalities_with_organisations(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", region=3, orgs_per_municipality=5, quiet_accounts=True)
    synthetic = Organization.objects.filter(short_name__startswith="Синтетический МО")
    assert synthetic.count() == 3
    assert Organization.objects.filter(municipality__in=synthetic).exclude(pk__in=synthetic).count() == 15
    call_command("seed_demo", region=3, orgs_per_municipality=5, quiet_accounts=True)
    assert Organization.objects.filter(municipality__in=synthetic).exclude(pk__in=synthetic).count() == 15


def test_seed_demo_ends_with_analyze_so_the_planner_knows_the_tables(monkeypatch):
    # A server may run with autovacuum off: without ANALYZE the planner would
    # take the freshly filled tables for empty ones.
    from django.db import connection

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-123")
    call_command("seed_demo", quiet_accounts=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Organization._meta.db_table])
        (estimated,) = cursor.fetchone()
    assert estimated == Organization.objects.count()
