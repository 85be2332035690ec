"""The maintained roll-up (``Fact``, ``Summary``): kept current by triggers in
the same transaction as every change, equal to a rebuild and to the
recomputation from the values, and what the pages show right after a change."""

import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.facts import rollup, summary, summary_across
from indicators.imports import values_import
from indicators.models import Fact, Period, Summary, Target, Value, ValueStatus
from indicators.services import EntryRow, value_approve, value_reopen, values_save
from tests.indicators.factories import period, quarter
from tests.indicators.test_import import workbook

pytestmark = pytest.mark.django_db

D = Decimal


def figures(rolled: dict) -> dict:
    return {key: (r.fact, r.target, r.baseline, r.reported, r.percent) for key, r in rolled.items()}


def snapshot() -> tuple[set, set]:
    facts = set(Fact.objects.values_list("organization_id", "indicator_id", "period_id", "municipality_id", "fact"))
    facts |= set(Fact.objects.values_list("organization_id", "indicator_id", "period_id", "target", "baseline"))
    totals = set(Summary.objects.values_list(*[f.attname for f in Summary._meta.concrete_fields]))
    return facts, totals


def assert_summary_is_the_recomputation(indicators, municipalities):
    """For every period: the region, each municipality and the organisations of
    each municipality, as ``rollup`` computes them from the approved values."""
    by_id = {i.pk: i for i in indicators}
    approved = Value.objects.filter(status=ValueStatus.APPROVED)
    for p in Period.objects.all():
        assert figures(summary([p], by_id)[p.pk]) == figures(rollup(approved, p, by_id)), p
        across = rollup(approved, p, by_id, group_by="organization__municipality_id")
        assert figures(summary_across(p, by_id)) == figures(across), p
        for m in municipalities:
            mine = approved.filter(organization__municipality=m)
            assert figures(summary([p], by_id, municipality=m)[p.pk]) == figures(rollup(mine, p, by_id)), (p, m)
            orgs = rollup(mine, p, by_id, group_by="organization_id")
            assert figures(summary_across(p, by_id, municipality=m)) == figures(orgs), (p, m)


def test_summary_follows_the_rules_of_the_hand_counted_fixture(reported, indicators, year_2025, municipality):
    trained, share, _waiting = indicators
    r = summary([year_2025], {i.pk: i for i in indicators}, municipality=municipality)[year_2025.pk]
    assert (r[trained.pk].fact, r[trained.pk].target, r[trained.pk].baseline) == (D(12), D(20), D(3))
    assert (r[share.pk].fact, r[share.pk].percent) == (D(70), D("93.3"))
    region = summary([year_2025], {trained.pk: trained})[year_2025.pk][trained.pk]
    assert (region.fact, region.target, region.reported) == (D(112), D(70), 3)


def test_rebuild_equals_incremental_after_random_approvals_reopens_imports_and_targets(
    office, indicators, periods, municipality, other_municipality, school_a, school_b, school_elsewhere
):
    rng = random.Random(15)
    schools = [school_a, school_b, school_elsewhere]
    choices = [quarter(2025, n) for n in (1, 2, 3, 4)] + [period("half", 2025, 1), period("year", 2025)]

    def number(indicator):
        return D(rng.randint(0, 100 if indicator.is_percent else 500))

    for _step in range(80):
        action = rng.choice(["enter", "enter", "approve", "approve", "reopen", "import", "target"])
        if action == "enter":
            indicator = rng.choice(indicators)
            values_save(
                actor=office,
                organization=rng.choice(schools),
                period=rng.choice(choices),
                rows=[EntryRow(indicator, number(indicator))],
                submit=rng.random() < 0.8,
            )
        elif action == "approve":
            submitted = list(Value.objects.filter(status=ValueStatus.SUBMITTED))
            for value in rng.sample(submitted, min(len(submitted), rng.randint(1, 3))):
                value_approve(actor=office, value=value)
        elif action == "reopen":
            approved = list(Value.objects.filter(status=ValueStatus.APPROVED))
            if approved:
                value_reopen(actor=office, value=rng.choice(approved), reason="Ошибка в отчёте")
        elif action == "import":
            target_period = rng.choice(choices)
            locked = set(
                Value.objects.filter(period=target_period, status=ValueStatus.APPROVED).values_list(
                    "organization_id", "indicator_id"
                )
            )
            rows = [
                (school.pk, indicator.code, float(number(indicator)))
                for school in schools
                for indicator in indicators
                if (school.pk, indicator.pk) not in locked and rng.random() < 0.5
            ]
            if rows:
                values_import(actor=office, source=workbook(rows), period=target_period, approve=True)
        else:
            indicator = rng.choice(indicators)
            Target.objects.update_or_create(
                indicator=indicator,
                organization=rng.choice(schools),
                period=rng.choice(choices),
                defaults={"value": number(indicator), "baseline_value": rng.choice([None, number(indicator)])},
            )
    assert Value.objects.filter(status=ValueStatus.APPROVED).count() > 10
    assert Value.objects.filter(status=ValueStatus.RETURNED).exists()
    incremental = snapshot()
    call_command("rebuild_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == incremental
    assert_summary_is_the_recomputation(indicators, [municipality, other_municipality])


def test_moving_a_school_to_another_municipality_moves_its_facts(
    reported, indicators, municipality, other_municipality, school_b
):
    school_b.parent = other_municipality
    school_b.save()
    assert set(Fact.objects.filter(organization=school_b).values_list("municipality_id", flat=True)) == {
        other_municipality.pk
    }
    assert_summary_is_the_recomputation(indicators, [municipality, other_municipality])


def test_changing_an_indicators_aggregation_recomputes_its_facts(reported, indicators, municipality, year_2025):
    trained = indicators[0]
    trained.aggregation = "last"
    trained.save()
    r = summary([year_2025], {trained.pk: trained}, municipality=municipality)[year_2025.pk][trained.pk]
    assert r.fact == D(4 + 5)  # the latest quarter of each school, no longer the sum of the quarters


def test_a_period_created_after_the_values_gets_their_facts(reported, indicators, school_a):
    academic = Period.ensure("academic", 2024)  # September 2024 – August 2025: holds Q1 and Q2 of 2025
    share = indicators[1]
    assert Fact.objects.get(organization=school_a, indicator=share, period=academic).fact == D(60)


# --- pages are never stale -------------------------------------------------------------------


def dashboard_fact(client, code, **params):
    response = client.get(reverse("indicators:dashboard"), params)
    row = {row["indicator"].code: row for row in response.context["rows"]}[code]
    return row["r"].fact if row["r"] else None


def test_dashboard_and_indicator_page_follow_approval_reopen_and_import(
    client, office, reported, indicators, year_2025, school_b, municipality
):
    trained = indicators[0]
    url = reverse("indicators:detail", args=[trained.code])
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(112)
    q2 = quarter(2025, 2)
    values_save(actor=office, organization=school_b, period=q2, rows=[EntryRow(trained, D(30))], submit=True)
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(112)  # submitted is not public
    value = Value.objects.get(organization=school_b, indicator=trained, period=q2)
    value_approve(actor=office, value=value)
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(142)
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk, municipality=municipality.pk) == D(42)
    page = client.get(url, {"period": year_2025.pk}).context
    assert {row["name"]: row["r"].fact for row in page["across_rows"]}[municipality.short_name] == D(42)
    assert {row["period"].year: row["r"] for row in page["over_time"]}[2025].fact == D(142)

    value.refresh_from_db()
    value_reopen(actor=office, value=value, reason="Ошибка в отчёте")
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(112)

    values_import(actor=office, source=workbook([(school_b.pk, "T-TRAINED", 8)]), period=q2, approve=True)
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(120)
    schools = client.get(url, {"period": year_2025.pk, "municipality": municipality.pk}).context["across_rows"]
    assert {row["name"]: row["r"].fact for row in schools} == {"МОУ «СОШ № 13»": D(7), "МОУ «СОШ № 15»": D(13)}


def test_dashboard_follows_a_target_change(client, reported, indicators, year_2025, school_elsewhere):
    response = client.get(reverse("indicators:dashboard"), {"period": year_2025.pk})
    before = {row["indicator"].code: row["r"] for row in response.context["rows"]}["T-TRAINED"]
    assert before.target == D(70)
    Target.objects.filter(organization=school_elsewhere, indicator=indicators[0]).update(value=130)
    response = client.get(reverse("indicators:dashboard"), {"period": year_2025.pk})
    after = {row["indicator"].code: row["r"] for row in response.context["rows"]}["T-TRAINED"]
    assert (after.target, after.percent) == (D(150), D("74.7"))


def test_anonymous_dashboard_is_served_from_cache_until_a_value_changes(
    client, office, reported, indicators, year_2025, school_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(112)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("indicators:dashboard"), {"period": year_2025.pk}).content.decode()
    assert len(ctx.captured_queries) == 1 and "112" in html  # the versions only
    q2 = quarter(2025, 2)
    values_save(actor=office, organization=school_b, period=q2, rows=[EntryRow(indicators[0], D(30))], submit=True)
    value_approve(actor=office, value=Value.objects.get(organization=school_b, indicator=indicators[0], period=q2))
    assert dashboard_fact(client, "T-TRAINED", period=year_2025.pk) == D(142)
