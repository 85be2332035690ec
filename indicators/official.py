"""The official report an official signs: what it says, once, for both files.

``official_report`` gathers the heading (authority, title, period, legal basis
from the document registry), the table (a total for the reader's territory,
then per municipality its subtotal and its organisations; computed indicators
in the totals), the completeness list and the signature block. The XLSX
(``indicators.exports.official_xlsx``) and the PDF (``indicators.pdf``) only
lay it out. Rows are streamed: memory follows one organisation, not the region."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from indicators.facts import (
    COMPUTED_FORMULAS,
    computed_values,
    computed_values_by,
    no_computed_values,
    percent_of_target,
    summary,
    summary_across,
)
from indicators.models import Fact, Indicator, Period, Unit, Value, ValueStatus
from leanedu.formats import ru_date
from leanedu.models import Membership, Organization
from leanedu.scoping import user_scope

TITLE = "Отчёт о достижении целевых показателей результативности внедрения бережливых технологий"
HEADER = [
    "№ п/п",
    "Код",
    "Показатель",
    "Единица измерения",
    "Базовое значение",
    "Целевое значение",
    "Факт",
    "% выполнения",
]
COMPLETENESS_HEADER = ["№ п/п", "Муниципалитет", "Организация", "Утверждено значений", "Ожидается значений"]

# How a figure of each unit is written: whole counts, one decimal for
# percentages and for minutes and hours, whole days.
DECIMALS = {
    Unit.PERCENT: 1,
    Unit.UNITS: 0,
    Unit.PEOPLE: 0,
    Unit.MINUTES: 1,
    Unit.HOURS: 1,
    Unit.DAYS: 0,
}


def decimals_of(indicator: Indicator) -> int:
    return DECIMALS.get(indicator.unit, 2)


@dataclass(frozen=True)
class Line:
    """One row of the table: a heading of a block (``kind`` "total",
    "subtotal", "organization") or an indicator's figures ("indicator")."""

    kind: str
    title: str = ""
    number: int | None = None
    indicator: Indicator | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    fact: Decimal | None = None
    percent: Decimal | None = None


@dataclass
class Signature:
    head_position: str
    head_name: str
    prepared_by: str
    prepared_position: str
    phone: str
    date: datetime.date


@dataclass
class OfficialReport:
    authority: Organization | None
    period: Period
    legal_basis: str
    indicators: list[Indicator]
    signature: Signature
    municipality: Organization | None
    _lines: object = field(repr=False, default=None)
    _missing: object = field(repr=False, default=None)

    title = TITLE

    @property
    def authority_name(self) -> str:
        return self.authority.full_name if self.authority else ""

    @property
    def period_line(self) -> str:
        p = self.period
        return f"за {p.label} ({ru_date(p.starts_on)} – {ru_date(p.ends_on)})"

    @property
    def basis_line(self) -> str:
        return f"Основание: {self.legal_basis}" if self.legal_basis else ""

    def lines(self) -> Iterator[Line]:
        return self._lines()

    def missing(self) -> Iterator[tuple[str, str, int, int]]:
        return self._missing()


def _authority_for(user, municipality: Organization | None) -> Organization | None:
    """The body in whose name the report is made: the chosen municipality, else
    the reader's own authority, else the region's."""
    if municipality is not None:
        return municipality
    scope = user_scope(user)
    own = Organization.objects.filter(pk__in=sorted(scope.official_org_ids)).authorities()
    own = own.order_by("kind", "short_name").first()
    if own is not None and not scope.is_office:
        return own
    return Organization.objects.filter(kind="region").order_by("pk").first() or own


def _legal_basis(indicators: list[Indicator]) -> str:
    """The order that set most of the report's indicators, cited from the registry."""
    counts = Counter(i.legal_basis_id for i in indicators if i.legal_basis_id)
    if not counts:
        return ""
    basis_id = counts.most_common(1)[0][0]
    basis = next(i.legal_basis for i in indicators if i.legal_basis_id == basis_id)
    return str(basis.requisites)


def _signature(user, authority: Organization | None, today: datetime.date) -> Signature:
    membership = (
        Membership.objects.filter(user=user).exclude(position="", phone="").order_by("-phone", "pk").first()
        if user.is_authenticated
        else None
    )
    return Signature(
        head_position=authority.head_position if authority else "",
        head_name=authority.head_name if authority else "",
        prepared_by=(user.get_full_name() or user.get_username()) if user.is_authenticated else "",
        prepared_position=membership.position if membership else "",
        phone=membership.phone if membership else "",
        date=today,
    )


def official_report(user, period: Period, municipality: Organization | None = None) -> OfficialReport:
    """The report for what ``user`` may read (``Value.objects.reportable_by``):
    approved values only, cut to ``municipality`` when given."""
    today = timezone.localdate()
    values = Value.objects.reportable_by(user).filter(status=ValueStatus.APPROVED)
    orgs = Organization.objects.visible_to(user)
    if municipality is not None:
        values = values.filter(organization__municipality=municipality)
        orgs = orgs.filter(municipality=municipality)
    everything = list(Indicator.objects.active_in(period.year).select_related("legal_basis__kind"))
    entered = {i.pk: i for i in everything if not i.is_computed}
    computed = [i for i in everything if i.is_computed and i.method in COMPUTED_FORMULAS]
    municipalities = list(
        Organization.objects.municipalities()
        .filter(Exists(orgs.education().filter(municipality_id=OuterRef("pk"))))
        .order_by("short_name", "pk")
    )
    authority = _authority_for(user, municipality)

    def block(number_from: int, rolled: dict, key, figures: dict) -> Iterator[Line]:
        n = number_from
        for indicator in entered.values():
            bucket = rolled.get(key(indicator.pk))
            n += 1
            if bucket is None:
                yield Line("indicator", number=n, indicator=indicator)
            else:
                yield Line(
                    "indicator",
                    number=n,
                    indicator=indicator,
                    baseline=bucket.baseline,
                    target=bucket.target,
                    fact=bucket.fact,
                    percent=bucket.percent,
                )
        for indicator in computed:
            n += 1
            yield Line("indicator", number=n, indicator=indicator, fact=figures[indicator.method].value)

    def lines() -> Iterator[Line]:
        # Read from the roll-up PostgreSQL maintains (``Summary`` and ``Fact``,
        # approved values only): approved values are public, so the reader's
        # territory is the whole scope of the report.
        single = municipality is not None or len(municipalities) == 1
        if not single:
            total = summary([period], entered)[period.pk]
            yield Line("total", title=f"Итого: {authority.short_name if authority else ''}".strip())
            yield from block(0, total, lambda pk: pk, computed_values(orgs, period, [i.method for i in computed]))
        if single:
            by_muni = {}
            for muni in municipalities:
                for pk, bucket in summary([period], entered, municipality=muni)[period.pk].items():
                    by_muni[(muni.pk, pk)] = bucket
        else:
            by_muni = summary_across(period, entered)
        computed_by_muni = computed_values_by(orgs, period) if computed else {}
        org_rows = (
            Fact.objects.filter(
                period_id=period.pk,
                indicator_id__in=list(entered),
                organization_id__in=orgs.education().values("pk"),
            )
            .order_by(
                "organization__municipality__short_name",
                "municipality_id",
                "organization__short_name",
                "organization_id",
                "indicator__sort_order",
                "indicator_id",
            )
            .values_list(
                "organization_id",
                "organization__short_name",
                "municipality_id",
                "indicator_id",
                "fact",
                "target",
                "baseline",
            )
            # A chunk of 5,000 rows held ≈ 3 MB of tuples and Decimals at a time
            # (a municipality has ≈ 1,000 rows in all): 1,000 keeps the region's
            # peak memory at the municipality's for nine more fetches.
            .iterator(chunk_size=1000)
        )
        pending = next(org_rows, None)
        for muni in municipalities:
            yield Line("subtotal", title=f"Итого: {muni.short_name}")
            figures = computed_by_muni.get(muni.pk) or no_computed_values()
            yield from block(0, by_muni, lambda pk, m=muni.pk: (m, pk), figures)
            current, n = None, 0
            while pending is not None and pending[2] == muni.pk:
                org_id, org_name, _muni, indicator_id, fact, target, baseline = pending
                indicator = entered[indicator_id]
                if org_id != current:
                    current, n = org_id, 0
                    yield Line("organization", title=org_name)
                n += 1
                yield Line(
                    "indicator",
                    number=n,
                    indicator=indicator,
                    baseline=baseline,
                    target=target,
                    fact=fact,
                    percent=percent_of_target(fact, target, indicator.direction),
                )
                pending = next(org_rows, None)

    def missing() -> Iterator[tuple[str, str, int, int]]:
        """Organisations with fewer approved indicators than expected for the period."""
        org_level = [pk for pk, i in entered.items() if i.level == "organization"]
        counts = dict(
            values.within(period)
            .filter(indicator_id__in=org_level)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("indicator_id", distinct=True))
            .values_list("organization_id", "n")
        )
        for muni_name, org_id, name in (
            orgs.education()
            .order_by("municipality__short_name", "short_name", "pk")
            .values_list("municipality__short_name", "pk", "short_name")
            .iterator(chunk_size=2000)
        ):
            got = counts.get(org_id, 0)
            if got < len(org_level):
                yield (muni_name or "", name, got, len(org_level))

    return OfficialReport(
        authority=authority,
        period=period,
        legal_basis=_legal_basis(everything),
        indicators=everything,
        signature=_signature(user, authority, today),
        municipality=municipality,
        _lines=lines,
        _missing=missing,
    )
