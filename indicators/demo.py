"""Demo data: indicators in the spirit of order № 0173307 of 29.12.2021 (its
annex is not public), periods 2022–2026, targets and values for Troitsk; and
for a synthetic region, values of every organisation × 20 indicators × 5
years × 4 quarters, generated in the database itself."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection, transaction

from indicators.models import Aggregation, Direction, Indicator, Method, Period, PeriodKind, Target, Unit, Value
from indicators.models import ValueStatus as S

YEARS = range(2022, 2027)
LEGAL_BASIS_NUMBER = "0173307"

# code, name, unit, direction, aggregation, baseline, yearly step
ENTERED = [
    (
        "BT-01",
        "Число образовательных организаций, внедряющих бережливые технологии",
        Unit.UNITS,
        Direction.HIGHER,
        Aggregation.LAST,
        0,
        1,
    ),
    (
        "BT-02",
        "Доля образовательных организаций, внедряющих бережливые технологии",
        Unit.PERCENT,
        Direction.HIGHER,
        Aggregation.LAST,
        10,
        15,
    ),
    (
        "BT-03",
        "Число реализованных бережливых проектов",
        Unit.UNITS,
        Direction.HIGHER,
        Aggregation.SUM,
        1,
        1,
    ),
    (
        "BT-04",
        "Число педагогов, прошедших обучение бережливым технологиям",
        Unit.PEOPLE,
        Direction.HIGHER,
        Aggregation.SUM,
        2,
        3,
    ),
    (
        "BT-05",
        "Доля педагогов, прошедших обучение бережливым технологиям",
        Unit.PERCENT,
        Direction.HIGHER,
        Aggregation.LAST,
        5,
        12,
    ),
    (
        "BT-06",
        "Число руководителей, прошедших обучение бережливому управлению",
        Unit.PEOPLE,
        Direction.HIGHER,
        Aggregation.SUM,
        1,
        1,
    ),
    ("BT-07", "Число рабочих мест, организованных по системе 5S", Unit.UNITS, Direction.HIGHER, Aggregation.LAST, 2, 4),
    ("BT-08", "Число стандартизированных процессов", Unit.UNITS, Direction.HIGHER, Aggregation.LAST, 1, 2),
    ("BT-09", "Число поданных предложений по улучшению", Unit.UNITS, Direction.HIGHER, Aggregation.SUM, 3, 4),
    ("BT-10", "Доля реализованных предложений по улучшению", Unit.PERCENT, Direction.HIGHER, Aggregation.LAST, 20, 10),
    ("BT-11", "Время приёма документов в первый класс", Unit.MINUTES, Direction.LOWER, Aggregation.LAST, 40, -5),
    (
        "BT-12",
        "Время ожидания в очереди на приём к руководителю",
        Unit.MINUTES,
        Direction.LOWER,
        Aggregation.LAST,
        30,
        -4,
    ),
    ("BT-13", "Время выдачи справки об обучении", Unit.MINUTES, Direction.LOWER, Aggregation.LAST, 25, -3),
    ("BT-14", "Время подготовки расписания на четверть", Unit.HOURS, Direction.LOWER, Aggregation.LAST, 40, -5),
    ("BT-15", "Срок согласования закупки", Unit.DAYS, Direction.LOWER, Aggregation.LAST, 20, -2),
    ("BT-16", "Время утреннего приёма детей в группу", Unit.MINUTES, Direction.LOWER, Aggregation.LAST, 20, -2),
    (
        "BT-17",
        "Доля родителей, удовлетворённых организацией процессов",
        Unit.PERCENT,
        Direction.HIGHER,
        Aggregation.LAST,
        60,
        6,
    ),
    (
        "BT-18",
        "Число визуализированных стендов (доски задач, навигация)",
        Unit.UNITS,
        Direction.HIGHER,
        Aggregation.LAST,
        1,
        2,
    ),
    (
        "BT-20",
        "Время формирования отчётности для органа управления",
        Unit.HOURS,
        Direction.LOWER,
        Aggregation.LAST,
        16,
        -2,
    ),
]

COMPUTED = [
    # Entered by hand until the portal counted «Повторить у себя» (indicators migration 0004).
    ("BT-19", "Число проектов, тиражированных в другие организации", Unit.UNITS, Method.REPLICATIONS),
    ("BT-C1", "Число опорных площадок по бережливым технологиям", Unit.UNITS, Method.PILOT_SITES),
    ("BT-C2", "Число завершённых бережливых проектов", Unit.UNITS, Method.COMPLETED_PROJECTS),
    ("BT-C3", "Доля организаций, завершивших хотя бы один проект", Unit.PERCENT, Method.ORGS_WITH_COMPLETED),
    ("BT-C4", "Доля проектов, достигших цели", Unit.PERCENT, Method.PROJECTS_GOAL_REACHED),
]


def _legal_basis():
    try:
        from documents.models import Document
    except ImportError:  # pragma: no cover — the registry app is always installed
        return None
    return Document.objects.filter(number=LEGAL_BASIS_NUMBER).first()


def seed_indicators() -> list[Indicator]:
    basis = _legal_basis()
    indicators = []
    for order, (code, name, unit, direction, aggregation, _base, _step) in enumerate(ENTERED, start=1):
        indicator, _created = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "aggregation": aggregation,
                "method": Method.ENTERED,
                "level": "organization",
                "legal_basis": basis,
                "active_from_year": 2022,
                "sort_order": order,
            },
        )
        indicators.append(indicator)
    for order, (code, name, unit, method) in enumerate(COMPUTED, start=len(ENTERED) + 1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": Direction.HIGHER,
                "method": method,
                "level": "municipality",
                "legal_basis": basis,
                "active_from_year": 2022,
                "sort_order": order,
            },
        )
    for year in YEARS:
        Period.ensure_year(year)
    return indicators


def _demo_number(code_index: int, org_index: int, year: int, quarter: int) -> Decimal:
    """A plausible value that improves over the years, within the unit's range."""
    _code, _name, unit, _direction, aggregation, base, step = ENTERED[code_index]
    years = year - 2022
    wobble = (org_index * 7 + code_index * 3 + quarter) % 5 - 2
    if aggregation == Aggregation.SUM:
        value = max(0, base + step * years // 2 + wobble // 2 + (quarter % 2))
    else:
        value = base + step * years + step * quarter // 4 + wobble
    value = max(0, value)
    if unit == Unit.PERCENT:
        value = min(100, value)
    return Decimal(value)


def _demo_target(code_index: int, year: int) -> tuple[Decimal, Decimal]:
    _code, _name, unit, _direction, aggregation, base, step = ENTERED[code_index]
    years = year - 2022 + 1
    target = base + step * years
    if aggregation == Aggregation.SUM:
        target = (base + step * years // 2) * 4
    target = max(1 if step > 0 else 0, target)
    if unit == Unit.PERCENT:
        target = min(100, target)
    baseline = base * 4 if aggregation == Aggregation.SUM else base
    return Decimal(target), Decimal(max(0, baseline))


def seed(ctx) -> None:
    from leanedu.demo import TROITSK_ORGANIZATIONS

    indicators = seed_indicators()
    troitsk = ctx.troitsk()
    orgs = [ctx.org(short_name) for short_name, _full, _kind in TROITSK_ORGANIZATIONS]
    years = {p.year: p for p in Period.objects.filter(kind=PeriodKind.YEAR)}
    quarters = {(p.year, p.number): p for p in Period.objects.filter(kind=PeriodKind.QUARTER)}
    existing_targets = set(
        Target.objects.filter(organization__in=orgs).values_list("indicator_id", "period_id", "organization_id")
    )
    targets = []
    for org in orgs:
        for i, indicator in enumerate(indicators):
            for year in YEARS:
                key = (indicator.pk, years[year].pk, org.pk)
                if key in existing_targets:
                    continue
                target, baseline = _demo_target(i, year)
                targets.append(
                    Target(
                        indicator=indicator,
                        period=years[year],
                        organization=org,
                        value=target,
                        baseline_year=2021,
                        baseline_value=baseline,
                    )
                )
    Target.objects.bulk_create(targets, batch_size=2000)

    existing_values = set(
        Value.objects.filter(organization__in=orgs).values_list("indicator_id", "period_id", "organization_id")
    )
    values = []
    # Everything up to 2026 Q2 is approved; Q3 2026 is submitted by some, draft by others.
    for n, org in enumerate(orgs):
        for i, indicator in enumerate(indicators):
            for year in YEARS:
                for quarter in (1, 2, 3, 4):
                    if (year, quarter) > (2026, 3):
                        continue
                    period = quarters[(year, quarter)]
                    if (indicator.pk, period.pk, org.pk) in existing_values:
                        continue
                    if (year, quarter) == (2026, 3):
                        if n % 3 == 2:
                            continue  # not reported yet: shows up in the completeness list
                        status = S.SUBMITTED if n % 3 == 0 else S.DRAFT
                    else:
                        status = S.APPROVED
                    values.append(
                        Value(
                            indicator=indicator,
                            period=period,
                            organization=org,
                            value=_demo_number(i, n, year, quarter),
                            status=status,
                        )
                    )
    Value.objects.bulk_create(values, batch_size=2000)
    ctx.log(
        f"indicators: {Indicator.objects.count()} indicators, {Target.objects.filter(organization__in=orgs).count()} "
        f"targets, {Value.objects.filter(organization__municipality=troitsk).count()} values for Troitsk"
    )


# --- the synthetic region ---------------------------------------------------------------

# The synthetic region's organisations (of the municipalities named with the
# prefix, not the authorities themselves) × its entered indicators × periods.
REGION_ROWS = """
FROM leanedu_organization o
JOIN leanedu_organization m ON m.id = o.municipality_id
CROSS JOIN indicators_indicator i
CROSS JOIN indicators_period p
WHERE m.short_name LIKE %(prefix)s AND o.id <> m.id
  AND i.method = 'entered' AND i.code = ANY(%(codes)s)
"""

REGION_VALUES_SQL = (
    """
INSERT INTO indicators_value
    (indicator_id, period_id, organization_id, value, comment, status, return_reason, updated_at)
SELECT i.id, p.id, o.id,
       LEAST(CASE WHEN i.unit = 'percent' THEN 100 ELSE 100000 END,
             GREATEST(0, 5 + (p.year - 2022) * 3 + ((o.id * 7 + i.id * 13 + p.number * 5) %% 11)))::numeric(14, 2),
       '', 'approved', '', now()"""
    + REGION_ROWS
    + """  AND p.kind = 'quarter' AND p.year BETWEEN %(first)s AND %(last)s
  AND NOT EXISTS (SELECT 1 FROM indicators_value x WHERE x.organization_id = o.id)
"""
)

REGION_TARGETS_SQL = (
    """
INSERT INTO indicators_target (indicator_id, period_id, organization_id, value, baseline_year, baseline_value)
SELECT i.id, p.id, o.id,
       LEAST(CASE WHEN i.unit = 'percent' THEN 100 ELSE 100000 END, 10 + (p.year - 2022) * 3)::numeric(14, 2),
       2021, 5"""
    + REGION_ROWS
    + """  AND p.kind = 'year' AND p.year BETWEEN %(first)s AND %(last)s
  AND NOT EXISTS (SELECT 1 FROM indicators_target x WHERE x.organization_id = o.id)
"""
)


def seed_region(ctx) -> None:
    """Values for every synthetic organisation × 20 indicators × 20 quarters.

    One INSERT … SELECT per table: the rows are generated inside PostgreSQL,
    which beats both COPY and bulk_create (no rows travel over the wire).
    Organisations that already have values are skipped, so it is idempotent."""
    from leanedu.demo import SYNTHETIC_PREFIX

    seed_indicators()
    params = {
        "prefix": SYNTHETIC_PREFIX + "%",
        "codes": [code for code, *_rest in ENTERED],
        "first": YEARS.start,
        "last": YEARS.stop - 1,
    }
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # Targets first: the roll-up triggers then have no facts to update for
        # them, and build the facts once, with their targets, for the values.
        cursor.execute(REGION_TARGETS_SQL, params)
        targets = cursor.rowcount
        cursor.execute(REGION_VALUES_SQL, params)
        values = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_value")
        cursor.execute("ANALYZE indicators_target")
        cursor.execute("ANALYZE indicators_fact")
        cursor.execute("ANALYZE indicators_summary")
    ctx.log(f"indicators (region): {values} values and {targets} targets added in {time.monotonic() - started:.1f} s")
