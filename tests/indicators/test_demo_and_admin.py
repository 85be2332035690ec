"""Demo data (idempotent, region generator) and the back office."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Indicator, Target, Value, ValueStatus
from tests.indicators.factories import ValueFactory, quarter

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_fills_troitsk(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", quiet_accounts=True)
    counts = (Indicator.objects.count(), Target.objects.count(), Value.objects.count())
    assert counts[0] == 24 and counts[1] > 0 and counts[2] > 0
    assert Indicator.objects.computed().count() == 5  # BT-19 counted from replications, BT-C1…C4
    assert Value.objects.filter(status=ValueStatus.SUBMITTED).exists()
    call_command("seed_demo", quiet_accounts=True)
    assert (Indicator.objects.count(), Target.objects.count(), Value.objects.count()) == counts


def test_region_seed_adds_every_quarter_of_every_indicator(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", region=2, orgs_per_municipality=3, quiet_accounts=True)
    synthetic = Value.objects.filter(organization__municipality__short_name__startswith="Синтетический МО")
    # 19 entered indicators (BT-19 is computed from replications) × 5 years × 4 quarters.
    assert synthetic.count() == 2 * 3 * 19 * 5 * 4
    assert not synthetic.filter(indicator__unit="percent", value__gt=100).exists()
    call_command("seed_demo", region=2, orgs_per_municipality=3, quiet_accounts=True)
    # 19 entered indicators (BT-19 is computed from replications) × 5 years × 4 quarters.
    assert synthetic.count() == 2 * 3 * 19 * 5 * 4


def test_admin_bulk_approve_and_return_with_a_reason(client, office, school_a, school_b, periods, trained):
    first = ValueFactory(
        organization=school_a, indicator=trained, period=quarter(2025, 1), status=ValueStatus.SUBMITTED
    )
    second = ValueFactory(
        organization=school_b, indicator=trained, period=quarter(2025, 1), status=ValueStatus.SUBMITTED
    )
    client.force_login(office)
    url = reverse("admin:indicators_value_changelist")
    assert client.get(url).status_code == 200
    client.post(url, {"action": "approve_selected", "_selected_action": [first.pk]})
    page = client.post(url, {"action": "return_selected", "_selected_action": [second.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    client.post(url, {"action": "return_selected", "_selected_action": [second.pk], "reason": "Уточните"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ValueStatus.APPROVED
    assert (second.status, second.return_reason) == (ValueStatus.RETURNED, "Уточните")
    client.post(url, {"action": "reopen_selected", "_selected_action": [first.pk], "reason": "Ошибка"})
    first.refresh_from_db()
    assert first.status == ValueStatus.RETURNED


def test_admin_pages_and_stock_export(client, office_admin, reported):
    client.force_login(office_admin)
    for name in ("indicator", "target", "value", "period"):
        assert client.get(reverse(f"admin:indicators_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:indicators_value_export")).status_code == 200


def test_coordinators_do_not_reach_the_admin(client, coordinator_a, reported):
    client.force_login(coordinator_a)
    response = client.get(reverse("admin:indicators_value_changelist"))
    assert response.status_code == 302


def test_values_changelist_lists_newest_first_and_estimates_long_counts(client, office, reported, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leanedu.pagination import EstimatedCountPaginator

    client.force_login(office)
    url = reverse("admin:indicators_value_changelist")
    newest = reported[3]
    newest.comment = "исправлено"
    newest.save()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert list(response.context["cl"].result_list)[0] == newest
    assert response.context["cl"].result_count == len(reported)  # short: counted exactly, with a cap
    assert not any(q["sql"].startswith("EXPLAIN") for q in ctx.captured_queries)

    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 3)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 4  # long: the planner's estimate, no full count
    assert any(q["sql"].startswith("EXPLAIN") for q in ctx.captured_queries)
    assert not any(
        "COUNT(*)" in q["sql"] and "LIMIT" not in q["sql"] and "indicators_value" in q["sql"]
        for q in ctx.captured_queries
    )
