"""What the indicators amount to: facts per organisation and period, their
roll-up to a municipality or a region, % of target and the computed
indicators. Every figure comes out of SQL aggregates over scoped querysets;
Python only combines the per-organisation rows (one row per organisation and
indicator, so the work follows the number of organisations, not of values).

Rules (shown on the dashboard):
- an organisation's fact for a period is the value reported for exactly that
  period; without one, its quarters make it — summed for flow indicators
  (aggregation "sum"), the latest one for levels (aggregation "last");
- a municipality's or region's fact is the sum of its organisations' facts,
  or their mean for percentages; targets and baselines roll up the same way;
- % of target = fact ÷ target × 100 when higher is better, target ÷ fact ×
  100 when lower is better."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psycopg2 import sql as pg_sql

from indicators import conf
from indicators.models import Aggregation, Direction, Indicator, Method, Period, PeriodKind, Target

HUNDRED = Decimal(100)


def percent_of_target(fact: Decimal | None, target: Decimal | None, direction: str) -> Decimal | None:
    if fact is None or target is None:
        return None
    fact, target = Decimal(fact), Decimal(target)
    if direction == Direction.LOWER:
        if fact == 0:
            return HUNDRED if target >= 0 else None
        ratio = target / fact * HUNDRED
    else:
        if target == 0:
            return HUNDRED if fact >= 0 else None
        ratio = fact / target * HUNDRED
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def traffic_light(percent: Decimal | None) -> str:
    """green / amber / red / none."""
    if percent is None:
        return "none"
    green, amber = conf.traffic_light_thresholds()
    if percent >= Decimal(str(green)):
        return "green"
    if percent >= Decimal(str(amber)):
        return "amber"
    return "red"


TRAFFIC_LIGHT_LABELS = {
    "green": _("target reached"),
    "amber": _("close to the target"),
    "red": _("behind the target"),
    "none": _("no data"),
}


def targets_for(period: Period, organizations=None) -> dict[tuple[int, int], tuple]:
    """{(organisation id, indicator id): (target, baseline value, baseline year)}
    for ``period``; a shorter period without its own target takes the target
    of its calendar year. One query; the dict follows the number of
    organisations × indicators, not the number of values."""
    targets = Target.objects.filter(
        Q(period_id=period.pk) | Q(period__kind=PeriodKind.YEAR, period__year=period.ends_on.year)
    )
    if organizations is not None:
        targets = targets.filter(organization_id__in=organizations)
    result: dict[tuple[int, int], tuple] = {}
    exact: set[tuple[int, int]] = set()
    rows = targets.values_list(
        "organization_id", "indicator_id", "period_id", "value", "baseline_value", "baseline_year"
    ).order_by()
    for org_id, indicator_id, period_id, value, baseline_value, baseline_year in rows.iterator(chunk_size=10000):
        key = (org_id, indicator_id)
        if key in exact:
            continue
        result[key] = (value, baseline_value, baseline_year)
        if period_id == period.pk:
            exact.add(key)
    return result


NO_TARGET = (None, None, None)
TARGET_FIELDS = ("organization_id", "indicator_id", "value", "baseline_value")


def org_fact_rows(values, period: Period, *, order_by: Iterable[str] = (), extra: Iterable[str] = ()):
    """One row per (organisation, indicator) with values in ``period``:
    organization_id, indicator_id, exact, quarters_sum, latest."""
    qs = (
        values.within(period)
        .values("organization_id", "indicator_id", *extra)
        .annotate(
            exact=Max("value", filter=Q(period_id=period.pk)),
            quarters_sum=Sum("value", filter=Q(period__kind=PeriodKind.QUARTER)),
            latest=ArrayAgg("value", order_by=(F("period__ends_on").desc(), "period__starts_on")),
        )
    )
    return qs.order_by(*order_by) if order_by else qs.order_by()


def fact_of(row: dict, aggregation: str) -> Decimal | None:
    if row["exact"] is not None:
        return row["exact"]
    if aggregation == Aggregation.SUM and row["quarters_sum"] is not None:
        return row["quarters_sum"]
    latest = row["latest"]
    return latest[0] if latest else None


@dataclass
class RollUp:
    """Facts, targets and baselines of several organisations for one indicator,
    kept as totals and counts (the database adds them up, see ``rollup``)."""

    indicator: Indicator
    fact_total: Decimal = Decimal(0)
    fact_count: int = 0
    target_total: Decimal = Decimal(0)
    target_count: int = 0
    baseline_total: Decimal = Decimal(0)
    baseline_count: int = 0

    def add(self, fact, target=None, baseline=None) -> None:
        if fact is not None:
            self.fact_total += Decimal(fact)
            self.fact_count += 1
        if target is not None:
            self.target_total += Decimal(target)
            self.target_count += 1
        if baseline is not None:
            self.baseline_total += Decimal(baseline)
            self.baseline_count += 1

    def _combine(self, total: Decimal, count: int) -> Decimal | None:
        if not count:
            return None
        if self.indicator.is_percent:
            return (total / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return total

    @property
    def fact(self) -> Decimal | None:
        return self._combine(self.fact_total, self.fact_count)

    @property
    def target(self) -> Decimal | None:
        return self._combine(self.target_total, self.target_count)

    @property
    def baseline(self) -> Decimal | None:
        return self._combine(self.baseline_total, self.baseline_count)

    @property
    def reported(self) -> int:
        return self.fact_count

    @property
    def percent(self) -> Decimal | None:
        return percent_of_target(self.fact, self.target, self.indicator.direction)

    @property
    def light(self) -> str:
        return traffic_light(self.percent)

    @property
    def light_label(self) -> str:
        return TRAFFIC_LIGHT_LABELS[self.light]


def rollup(values, period: Period, indicators: dict[int, Indicator], *, group_by=None, organizations=None) -> dict:
    """Roll the organisations' facts up per indicator (``group_by=None``) or
    per (group key, indicator) where ``group_by`` names an organisation field
    such as ``organization__municipality_id``. One query."""
    return rollup_periods(values, [period], indicators, group_by=group_by, organizations=organizations)[period.pk]


def rollup_periods(
    values, periods: list[Period], indicators: dict[int, Indicator], *, group_by=None, organizations=None
) -> dict[int, dict]:
    """``rollup`` for several periods at once: {period id: roll-up}. One query,
    whatever the number of periods, organisations or values.

    The database does the whole roll-up: the fact of each organisation
    (``fact_of``), its target (``targets_for``: the period's own, else its
    calendar year's), and their totals and counts per indicator (and group);
    Python only divides for the means of percentages (``RollUp``)."""
    result: dict[int, dict] = {period.pk: {} for period in periods}
    if not periods or not indicators:
        return result
    values = values.filter(indicator_id__in=list(indicators)).order_by()
    targets = Target.objects.filter(indicator_id__in=list(indicators)).order_by()
    if organizations is not None:
        targets = targets.filter(organization_id__in=organizations)
    fields = {"grp": F(group_by)} if group_by else {}
    # One branch per period (a UNION ALL, no shared CTE: PostgreSQL may run
    # each branch in parallel and knows the period's constants). The
    # latest value is the one of the period that ends last (and starts
    # first): the smallest (-ends_on, starts_on) — a MIN, so the grouping may
    # hash or run in parallel, unlike an ordered ARRAY_AGG.
    parts, params = [], []
    grp_v = pg_sql.SQL("v.grp" if group_by else "NULL::integer")
    for period in periods:
        rows = values.within(period).values("organization_id", "indicator_id", "period_id", "value", **fields)
        rows_sql, rows_params = rows.query.sql_with_params()
        # The period's own target, else its calendar year's (as ``targets_for``).
        own_sql, own_params = targets.filter(period_id=period.pk).values(*TARGET_FIELDS).query.sql_with_params()
        if period.kind == PeriodKind.YEAR and period.number == 0 and period.year == period.ends_on.year:
            # The period is its own calendar year: its own target is the year's.
            year_join, year_params = pg_sql.SQL(""), []
            target, baseline = pg_sql.SQL("te.value"), pg_sql.SQL("te.baseline_value")
        else:
            year = Period.objects.filter(kind=PeriodKind.YEAR, year=period.ends_on.year).order_by("number", "pk")
            year_sql, year_params = (
                targets.filter(period_id__in=year.values("pk")[:1]).values(*TARGET_FIELDS).query.sql_with_params()
            )
            year_join = pg_sql.SQL(
                "LEFT JOIN ({year}) ty ON ty.organization_id = f0.organization_id AND ty.indicator_id = f0.indicator_id"
            ).format(year=pg_sql.SQL(year_sql))
            target = pg_sql.SQL("CASE WHEN te.value IS NOT NULL THEN te.value ELSE ty.value END")
            baseline = pg_sql.SQL("CASE WHEN te.value IS NOT NULL THEN te.baseline_value ELSE ty.baseline_value END")
        # The subqueries are the ORM's own SQL with their placeholders; every
        # value travels as a parameter, names as identifiers.
        parts.append(
            pg_sql.SQL("""
            SELECT %s AS bucket_id, f0.grp, f0.indicator_id,
                CASE WHEN f0.exact IS NOT NULL THEN f0.exact
                     WHEN i.aggregation = %s AND f0.quarters_sum IS NOT NULL THEN f0.quarters_sum
                     ELSE f0.latest END AS fact,
                {target} AS target, {baseline} AS baseline
            FROM (
                SELECT v.organization_id, v.indicator_id, {grp_v} AS grp,
                    MAX(v.value) FILTER (WHERE v.period_id = %s) AS exact,
                    SUM(v.value) FILTER (WHERE p.kind = %s) AS quarters_sum,
                    (MIN(ARRAY[(DATE '2000-01-01' - p.ends_on)::numeric, (p.starts_on - DATE '2000-01-01')::numeric,
                        v.value]))[3] AS latest
                FROM ({rows}) v JOIN {periods} p ON p.id = v.period_id
                GROUP BY 1, 2, 3
            ) f0
            JOIN {indicators} i ON i.id = f0.indicator_id
            LEFT JOIN ({own}) te ON te.organization_id = f0.organization_id AND te.indicator_id = f0.indicator_id
            {year_join}
        """).format(
                target=target,
                baseline=baseline,
                grp_v=grp_v,
                rows=pg_sql.SQL(rows_sql),
                periods=pg_sql.Identifier(Period._meta.db_table),
                indicators=pg_sql.Identifier(Indicator._meta.db_table),
                own=pg_sql.SQL(own_sql),
                year_join=year_join,
            )
        )
        params += [period.pk, Aggregation.SUM.value, period.pk, PeriodKind.QUARTER.value]
        params += [*rows_params, *own_params, *year_params]
    query = pg_sql.SQL("""
        SELECT bucket_id, grp, indicator_id, SUM(fact), COUNT(fact), SUM(target), COUNT(target),
            SUM(baseline), COUNT(baseline)
        FROM ({parts}) o
        GROUP BY 1, 2, 3
    """).format(parts=pg_sql.SQL(" UNION ALL ").join(parts))
    connection.ensure_connection()
    sql = query.as_string(connection.connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket_id, grp_key, indicator_id, *sums in cursor.fetchall():
            indicator = indicators[indicator_id]
            key = (grp_key, indicator_id) if group_by else indicator_id
            result[bucket_id][key] = RollUp(
                indicator,
                fact_total=sums[0] or Decimal(0),
                fact_count=sums[1],
                target_total=sums[2] or Decimal(0),
                target_count=sums[3],
                baseline_total=sums[4] or Decimal(0),
                baseline_count=sums[5],
            )
    return result


# --- the maintained roll-up (what the pages read) -----------------------------------------
#
# ``Fact`` and ``Summary`` hold the result of ``rollup`` for every period,
# kept current by PostgreSQL triggers in the same transaction as the change
# (``indicators/rollup_sql.py``). Reading them costs the same at 10 values or
# 800,000. ``rollup`` / ``rollup_periods`` above stay the recomputation from
# any queryset of values, which the tests hold the summary against.

SUMMARY_FIELDS = (
    "period_id",
    "indicator_id",
    "municipality_id",
    "fact_total",
    "fact_count",
    "target_total",
    "target_count",
    "baseline_total",
    "baseline_count",
)


def _bucket(indicator: Indicator, row: tuple) -> RollUp:
    return RollUp(
        indicator,
        fact_total=row[3],
        fact_count=row[4],
        target_total=row[5],
        target_count=row[6],
        baseline_total=row[7],
        baseline_count=row[8],
    )


def summary(periods: list[Period], indicators: dict[int, Indicator], *, municipality=None) -> dict[int, dict]:
    """{period id: {indicator id: RollUp}} of approved values, for the region or
    one municipality. One query over the summary (a row per indicator)."""
    from indicators.models import Summary

    result: dict[int, dict] = {period.pk: {} for period in periods}
    rows = Summary.objects.filter(
        level="m" if municipality else "r",
        municipality_id=municipality.pk if municipality else 0,
        period_id__in=list(result),
        indicator_id__in=list(indicators),
    ).values_list(*SUMMARY_FIELDS)
    for row in rows:
        result[row[0]][row[1]] = _bucket(indicators[row[1]], row)
    return result


def summary_across(period: Period, indicators: dict[int, Indicator], *, municipality=None) -> dict:
    """{(municipality id, indicator id): RollUp} across the region, or
    {(organisation id, indicator id): RollUp} across one municipality's
    organisations (municipality 0: organisations outside any). One query."""
    from indicators.models import Fact, Summary

    result = {}
    if municipality is None:
        rows = Summary.objects.filter(level="m", period_id=period.pk, indicator_id__in=list(indicators))
        for row in rows.values_list(*SUMMARY_FIELDS):
            result[(row[2], row[1])] = _bucket(indicators[row[1]], row)
        return result
    facts = Fact.objects.filter(period_id=period.pk, indicator_id__in=list(indicators), municipality_id=municipality.pk)
    for org_id, indicator_id, fact, target, baseline in facts.values_list(
        "organization_id", "indicator_id", "fact", "target", "baseline"
    ):
        bucket = RollUp(indicators[indicator_id])
        bucket.add(fact, target, baseline)
        result[(org_id, indicator_id)] = bucket
    return result


def rebuild_summary() -> None:
    """Recompute ``Fact`` and ``Summary`` from every approved value and target."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indicators_rollup_rebuild()")


def iter_org_facts(
    values,
    period: Period,
    indicators: dict[int, Indicator],
    order_by: Iterable[str],
    chunk_size=2000,
    organizations=None,
):
    """Stream (row, indicator, fact, percent) per organisation and indicator, in
    ``order_by`` order — for the official table by organisation. Each row
    carries its ``target``, ``baseline_value`` and ``baseline_year``."""
    targets = targets_for(period, organizations)
    rows = org_fact_rows(
        values,
        period,
        order_by=order_by,
        extra=["organization__short_name", "organization__municipality_id", "organization__municipality__short_name"],
    )
    for row in rows.iterator(chunk_size=chunk_size):
        indicator = indicators.get(row["indicator_id"])
        if indicator is None:
            continue
        row["target"], row["baseline_value"], row["baseline_year"] = targets.get(
            (row["organization_id"], indicator.pk), NO_TARGET
        )
        fact = fact_of(row, indicator.aggregation)
        yield row, indicator, fact, percent_of_target(fact, row["target"], indicator.direction)


# --- computed indicators ------------------------------------------------------------
#
# Each computed indicator is a count (or a share of two counts) of rows of the
# registries, as they stood in the period. The rows come from the projects
# app's own rules (``PilotSite.objects.active``, ``Project.objects.completed_between``,
# ``goal_reached``); the same querysets make the figure and its drill-through list.

COMPUTED_FORMULAS = {
    Method.PILOT_SITES: _(
        "Number of pilot sites active at the end of the period (or today, while it runs): the designating "
        "document is not repealed and in force, and the site's own period includes that day."
    ),
    Method.COMPLETED_PROJECTS: _(
        "Number of lean projects completed within the period (the date of completion is taken from the status log)."
    ),
    Method.ORGS_WITH_COMPLETED: _(
        "Organisations that had completed at least one project by the end of the period ÷ all education "
        "organisations × 100 %."
    ),
    Method.REPLICATIONS: _(
        "Number of projects of other organisations that repeat a standard solution of these organisations "
        "(«Повторить у себя») and were approved within the period."
    ),
    Method.PROJECTS_GOAL_REACHED: _(
        "Projects completed within the period whose every metric with a goal and an actual value reached the goal ÷ "
        "projects completed within the period with at least one such metric × 100 %. A metric reached its goal when "
        "«after» ≥ «goal» (higher is better) or «after» ≤ «goal» (lower is better)."
    ),
}


class BasisKind:
    PILOT_SITES = "pilot_sites"
    PROJECTS = "projects"
    ORGANIZATIONS = "organizations"


@dataclass(frozen=True)
class Basis:
    """The rows behind a computed figure: what its numerator counts and, for a
    share, what its denominator counts (both querysets of ``kind``)."""

    kind: str
    numerator: QuerySet
    denominator: QuerySet | None = None
    # The path from a counted row to the organisation it is counted for.
    organization_path: str = "organization"


@dataclass(frozen=True)
class Computed:
    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None


def _share(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def period_window(period: Period) -> tuple[datetime.date, datetime.date]:
    """The days a computed indicator looks at: the period, cut at today while it runs."""
    return period.starts_on, min(period.ends_on, timezone.localdate())


def computed_basis(method: str, organizations, period: Period) -> Basis | None:
    """The rows behind ``method`` for the education organisations among
    ``organizations`` (an Organization queryset) in ``period``."""
    from projects.models import PilotSite, Project

    since, until = period_window(period)
    orgs = organizations.education()
    if method == Method.PILOT_SITES:
        return Basis(BasisKind.PILOT_SITES, PilotSite.objects.filter(organization__in=orgs).active(until))
    completed_in_period = Project.objects.filter(organization__in=orgs).completed_between(since, until)
    if method == Method.COMPLETED_PROJECTS:
        return Basis(BasisKind.PROJECTS, completed_in_period)
    if method == Method.ORGS_WITH_COMPLETED:
        completed_by_end = Project.objects.completed_between(None, until).filter(organization=OuterRef("pk"))
        return Basis(BasisKind.ORGANIZATIONS, orgs.filter(Exists(completed_by_end)), orgs)
    if method == Method.PROJECTS_GOAL_REACHED:
        return Basis(BasisKind.PROJECTS, completed_in_period.goal_reached(), completed_in_period.goal_evaluable())
    if method == Method.REPLICATIONS:
        copies = Project.objects.filter(source__organization__in=orgs).replications_between(since, until)
        return Basis(BasisKind.PROJECTS, copies, organization_path="source__organization")
    return None


def computed_values(organizations, period: Period, methods=None) -> dict[str, Computed]:
    """The computed indicators (``methods``, default all) for the education
    organisations in ``organizations`` (an Organization queryset) in
    ``period``: one count per numerator and denominator (at most seven small queries)."""
    result = {}
    for method in COMPUTED_FORMULAS if methods is None else [m for m in COMPUTED_FORMULAS if m in set(methods)]:
        basis = computed_basis(method, organizations, period)
        numerator = basis.numerator.count()
        if basis.denominator is None:
            result[method] = Computed(Decimal(numerator))
        else:
            denominator = basis.denominator.count()
            result[method] = Computed(_share(numerator, denominator), numerator, denominator)
    return result


def computed_values_by(organizations, period: Period, field: str = "municipality_id") -> dict[int, dict[str, Computed]]:
    """``computed_values`` per group of organisations (by default per
    municipality) in one grouped count per numerator and denominator: seven
    queries whatever the number of groups. A group without rows has zero counts."""
    from collections import defaultdict

    counts: dict[str, tuple[dict, dict | None]] = {}
    keys: set = set()
    for method in COMPUTED_FORMULAS:
        basis = computed_basis(method, organizations, period)
        path = field if basis.kind == BasisKind.ORGANIZATIONS else f"{basis.organization_path}__{field}"

        def grouped(rows, path=path):
            return dict(rows.order_by().values(path).annotate(n=Count("pk")).values_list(path, "n"))

        numerator = grouped(basis.numerator)
        denominator = grouped(basis.denominator) if basis.denominator is not None else None
        counts[method] = (numerator, denominator)
        keys |= set(numerator) | set(denominator or ())
    result: dict[int, dict[str, Computed]] = defaultdict(dict)
    for method, (numerator, denominator) in counts.items():
        for key in keys:
            n = numerator.get(key, 0)
            if denominator is None:
                result[key][method] = Computed(Decimal(n))
            else:
                d = denominator.get(key, 0)
                result[key][method] = Computed(_share(n, d), n, d)
    return result


COUNTS = (Method.PILOT_SITES, Method.COMPLETED_PROJECTS, Method.REPLICATIONS)


def no_computed_values() -> dict[str, Computed]:
    """What a group without any registry rows shows."""
    return {
        method: Computed(Decimal(0))
        if method in (Method.PILOT_SITES, Method.COMPLETED_PROJECTS)
        else Computed(None, 0, 0)
        for method in COMPUTED_FORMULAS
    }
