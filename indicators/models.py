"""Target indicators (целевые показатели результативности), the reporting
periods, the targets set per organisation and the values reported against them."""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from indicators.querysets import (
    IndicatorQuerySet,
    PeriodQuerySet,
    SentReminderQuerySet,
    TargetQuerySet,
    ValueQuerySet,
)
from leanedu.wording import Noun
from projects.models import Direction  # one enum for projects' metrics and indicators


class Unit(models.TextChoices):
    PERCENT = "percent", _("%")
    UNITS = "units", _("units")
    PEOPLE = "people", _("people")
    MINUTES = "minutes", _("minutes")
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")


class IndicatorLevel(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    ORGANIZATION = "organization", _("Organisation")


class Method(models.TextChoices):
    """Entered by hand, or computed from the registries (never typed in)."""

    ENTERED = "entered", _("Entered by hand")
    PILOT_SITES = "pilot_sites", _("Computed: number of active pilot sites")
    COMPLETED_PROJECTS = "completed_projects", _("Computed: number of completed projects")
    ORGS_WITH_COMPLETED = "orgs_with_completed", _("Computed: share of organisations with a completed project")
    PROJECTS_GOAL_REACHED = "projects_goal_reached", _("Computed: share of projects that reached their goal")
    REPLICATIONS = "replications", _("Computed: number of projects repeated in other organisations")


class Aggregation(models.TextChoices):
    """How quarterly values make a longer period's fact for one organisation."""

    LAST = "last", _("Latest value of the period")
    SUM = "sum", _("Sum over the quarters")


class Indicator(models.Model):
    """One target indicator of the regional order and how it is measured."""

    code = models.SlugField(_("code"), max_length=30, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=500)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    level = models.CharField(
        _("level"), max_length=20, choices=IndicatorLevel.choices, default=IndicatorLevel.ORGANIZATION
    )
    method = models.CharField(_("method"), max_length=30, choices=Method.choices, default=Method.ENTERED)
    aggregation = models.CharField(
        _("aggregation over a period"), max_length=10, choices=Aggregation.choices, default=Aggregation.LAST
    )
    legal_basis = models.ForeignKey(
        "documents.Document",
        verbose_name=_("legal basis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    description = models.TextField(_("description"), blank=True)
    active_from_year = models.PositiveSmallIntegerField(_("active from (year)"), default=2022)
    active_until_year = models.PositiveSmallIntegerField(_("active until (year)"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    # An indicator as the office reads its list: the back office's columns and
    # the import/export file's.
    DEFINITION_FIELDS = (
        "code",
        "name",
        "unit",
        "direction",
        "level",
        "method",
        "aggregation",
        "active_from_year",
        "active_until_year",
    )

    wording = Noun(
        accusative=pgettext_lazy("accusative", "target indicator"),
        genitive=pgettext_lazy("genitive", "target indicator"),
        selected=pgettext_lazy("accusative plural", "selected target indicators"),
        count=npgettext_lazy("count", "%(count)s target indicator", "%(count)s target indicators", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("target indicator")
        # Imports write many rows at once: a right of its own, given to the roles that import.
        permissions = [("import_indicator", _("Can import target indicators"))]
        verbose_name_plural = _("target indicators")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_until_year__isnull=True)
                | models.Q(active_until_year__gte=models.F("active_from_year")),
                name="indicator_active_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:detail", args=[self.code])

    @property
    def is_computed(self) -> bool:
        return self.method != Method.ENTERED

    @property
    def is_percent(self) -> bool:
        return self.unit == Unit.PERCENT

    def is_active_in(self, year: int) -> bool:
        return self.active_from_year <= year and (self.active_until_year is None or year <= self.active_until_year)

    def check_value(self, value: Decimal | None) -> None:
        """Raise ValidationError when ``value`` is impossible for this indicator."""
        if value is None:
            return
        if value < 0:
            raise ValidationError(_("The value cannot be negative."), code="negative")
        if self.is_percent and value > 100:
            raise ValidationError(_("A percentage must be between 0 and 100."), code="percent_range")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    HALF = "half", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    ACADEMIC = "academic", _("Academic year")


# Period codes, one format per kind: what file names, sheet titles and the
# import command use. ``parse_period_code`` is their inverse.
PERIOD_CODE_FORMATS = {
    PeriodKind.YEAR: "{year}",
    PeriodKind.HALF: "{year}-H{number}",
    PeriodKind.QUARTER: "{year}-Q{number}",
    PeriodKind.ACADEMIC: "{year}-{next}",
}
PERIOD_NUMBERS = {
    PeriodKind.YEAR: (0,),
    PeriodKind.HALF: (1, 2),
    PeriodKind.QUARTER: (1, 2, 3, 4),
    PeriodKind.ACADEMIC: (0,),
}
# Also the API's documented pattern (OpenAPI): plain groups, valid in ECMAScript too.
# Quarters and half-years are numbered in Roman numerals, as in official
# reporting: «I квартал 2026 года», «II полугодие 2026 года».
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

PERIOD_CODE_RE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{4}))?$")


def period_code(kind: str, year: int, number: int = 0) -> str:
    return PERIOD_CODE_FORMATS[PeriodKind(kind)].format(year=year, number=number, next=year + 1)


def parse_period_code(code: str) -> tuple[str, int, int]:
    """(kind, year, number) of 2025, 2025-H1, 2025-Q3 or 2025-2026; ValueError
    otherwise. Only a code that ``period_code`` writes back the same is valid."""
    match = PERIOD_CODE_RE.match((code or "").strip())
    if match:
        year, tail = int(match[1]), match[2] or ""
        letter = tail[:1] if tail[:1] in ("H", "Q") else ""
        number = int(tail[1:]) if letter else 0
        kind = {"H": PeriodKind.HALF, "Q": PeriodKind.QUARTER}.get(letter) or (
            PeriodKind.ACADEMIC if tail else PeriodKind.YEAR
        )
        if number in PERIOD_NUMBERS[kind] and period_code(kind, year, number) == code.strip():
            return kind, year, number
    raise ValueError(f"unknown period {code!r}: use 2025, 2025-H1, 2025-Q3 or 2025-2026")


class Period(models.Model):
    """A reporting period. ``year`` is the calendar year it starts in (an
    academic year runs from 1 September of ``year`` to 31 August of the next)."""

    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), default=0, help_text=_("Half-year 1–2, quarter 1–4."))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    deadline = models.DateField(
        _("reporting deadline"),
        null=True,
        blank=True,
        help_text=_("The last day to submit the values; empty: the setting INDICATORS_DEADLINE_DAYS after the end."),
    )

    history = HistoricalRecords()

    objects = PeriodQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "period"),
        genitive=pgettext_lazy("genitive", "period"),
        selected=pgettext_lazy("accusative plural", "selected periods"),
        count=npgettext_lazy("count", "%(count)s period", "%(count)s periods", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["starts_on", "-ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="period_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="period_dates"),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="period_dates_idx")]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def due_on(self) -> datetime.date:
        """The reporting deadline: its own, else a fixed number of days after the end."""
        from indicators import conf

        return self.deadline or self.ends_on + datetime.timedelta(days=conf.deadline_days())

    @property
    def code(self) -> str:
        """2025, 2025-H1, 2025-Q3 or 2025-2026 (academic year): ``period_code``."""
        return period_code(self.kind, self.year, self.number)

    @classmethod
    def ensure_code(cls, code: str) -> Period:
        """The period a code names, created if missing; ValueError for a code
        that names none (``parse_period_code``)."""
        return cls.ensure(*parse_period_code(code))

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return _("%(year)s year") % {"year": self.year}
        if self.kind == PeriodKind.HALF:
            return _("half-year %(roman)s of %(year)s") % {"roman": ROMAN[self.number], "year": self.year}
        if self.kind == PeriodKind.QUARTER:
            return _("quarter %(roman)s of %(year)s") % {"roman": ROMAN[self.number], "year": self.year}
        return _("academic year %(start)s/%(end)s") % {"start": self.year, "end": self.year + 1}

    @staticmethod
    def bounds(kind: str, year: int, number: int = 0) -> tuple[datetime.date, datetime.date]:
        if kind == PeriodKind.YEAR:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if kind == PeriodKind.ACADEMIC:
            return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)
        months = 6 if kind == PeriodKind.HALF else 3
        first = (number - 1) * months + 1
        last = first + months - 1
        return datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])

    @classmethod
    def ensure(cls, kind: str, year: int, number: int = 0) -> Period:
        starts_on, ends_on = cls.bounds(kind, year, number)
        period, _created = cls.objects.get_or_create(
            kind=kind, year=year, number=number, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        return period

    @classmethod
    def ensure_year(cls, year: int) -> list[Period]:
        """The year, its halves and quarters, and the academic year starting in it."""
        periods = [cls.ensure(PeriodKind.YEAR, year)]
        periods += [cls.ensure(PeriodKind.HALF, year, n) for n in (1, 2)]
        periods += [cls.ensure(PeriodKind.QUARTER, year, n) for n in (1, 2, 3, 4)]
        periods.append(cls.ensure(PeriodKind.ACADEMIC, year))
        return periods

    @classmethod
    def from_code(cls, code: str) -> Period | None:
        """The existing period a code names (``parse_period_code``), or None."""
        try:
            kind, year, number = parse_period_code(code)
        except ValueError:
            return None
        return cls.objects.filter(kind=kind, year=year, number=number).first()


class Target(models.Model):
    """The target value of an indicator for an organisation and a period,
    with the baseline it is measured from."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="targets")
    organization = models.ForeignKey(
        "leanedu.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "target value"),
        genitive=pgettext_lazy("genitive", "target value"),
        selected=pgettext_lazy("accusative plural", "selected target values"),
        count=npgettext_lazy("count", "%(count)s target value", "%(count)s target values", "count"),
        gender="n",
    )

    class Meta:
        verbose_name = _("target")
        # Imports write many rows at once: a right of its own, given to the roles that import.
        permissions = [("import_target", _("Can import targets"))]
        verbose_name_plural = _("targets")
        ordering = ["indicator__sort_order", "period__starts_on", "organization__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "organization"], name="target_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.period} · {self.organization}"

    def clean(self) -> None:
        if self.indicator_id:
            for field in ("value", "baseline_value"):
                try:
                    self.indicator.check_value(getattr(self, field))
                except ValidationError as exc:
                    raise ValidationError({field: exc.messages}) from exc


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("indicator value", "Submitted")
    APPROVED = "approved", pgettext_lazy("indicator value", "Approved")
    RETURNED = "returned", _("Returned for correction")


# A coordinator may edit a value in these states; approved values are locked.
EDITABLE_STATUSES = (ValueStatus.DRAFT, ValueStatus.RETURNED)


class Value(models.Model):
    """A reported value of an indicator for an organisation and a period.

    Its unit is its indicator's. The workflow (services only): draft →
    submitted → approved (locked) or returned with a reason; an approved value
    is reopened only with a reason, and history keeps every earlier version."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="values")
    organization = models.ForeignKey(
        "leanedu.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT, db_index=True
    )
    return_reason = models.CharField(_("reason for return or reopening"), max_length=1000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(pgettext_lazy("indicator value", "submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ValueQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "indicator value"),
        genitive=pgettext_lazy("genitive", "indicator value"),
        selected=pgettext_lazy("accusative plural", "selected indicator values"),
        count=npgettext_lazy("count", "%(count)s indicator value", "%(count)s indicator values", "count"),
        gender="n",
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["period__starts_on", "organization__short_name", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "organization"], name="value_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["period", "organization"], name="value_period_org_idx"),
            models.Index(fields=["organization", "indicator"], name="value_org_indicator_idx"),
            models.Index(fields=["-updated_at", "-id"], name="value_recent_idx"),  # the admin's order
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.period} · {self.organization}: {self.value}"

    @property
    def is_locked(self) -> bool:
        return self.status == ValueStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def clean(self) -> None:
        if self.indicator_id:
            if self.indicator.is_computed:
                raise ValidationError(_("A computed indicator is never entered by hand."))
            try:
                self.indicator.check_value(self.value)
            except ValidationError as exc:
                raise ValidationError({"value": exc.messages}) from exc


class Fact(models.Model):
    """An organisation's fact for an indicator and a period, with its target
    and baseline: the roll-up of approved values, kept current by PostgreSQL
    triggers in the transaction that changes a value, a target, an
    organisation's municipality or an indicator's aggregation (see
    ``indicators/rollup_sql.py``). Never written from Python; rebuilt by
    ``manage.py rebuild_rollup``."""

    pk = models.CompositePrimaryKey("organization", "indicator", "period")
    organization = models.ForeignKey(
        "leanedu.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.ForeignKey(
        Period, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    municipality_id = models.IntegerField()  # the organisation's municipality; 0 for none
    fact = models.DecimalField(max_digits=20, decimal_places=2)
    target = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    baseline = models.DecimalField(max_digits=20, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["period", "indicator", "municipality_id"], name="fact_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.period_id} · {self.organization_id}: {self.fact}"


class Summary(models.Model):
    """Totals and counts of the facts, targets and baselines of an indicator
    and a period, per municipality (``m``) and for the region (``r``,
    municipality 0): what the dashboard and the indicator page read. Kept by
    the same triggers as ``Fact``."""

    pk = models.CompositePrimaryKey("level", "indicator", "period", "municipality_id")
    level = models.CharField(max_length=1)  # "r" region, "m" municipality (internal, never shown)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.ForeignKey(
        Period, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    municipality_id = models.IntegerField()
    fact_total = models.DecimalField(max_digits=24, decimal_places=2)
    fact_count = models.IntegerField()
    target_total = models.DecimalField(max_digits=24, decimal_places=2)
    target_count = models.IntegerField()
    baseline_total = models.DecimalField(max_digits=24, decimal_places=2)
    baseline_count = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.level}{self.municipality_id} · {self.indicator_id} · {self.period_id}: {self.fact_total}"


class SentReminder(models.Model):
    """A reminder sent for a period: to an organisation's coordinators ``step``
    days before the deadline, or (``organization`` empty, step −1) the list of
    late organisations to the project office the day after. One row per step
    and recipient: the unique constraints keep anyone from being reminded twice."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "leanedu.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    step = models.SmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("date sent"), auto_now_add=True)

    objects = SentReminderQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "sent reminder"),
        genitive=pgettext_lazy("genitive", "sent reminder"),
        selected=pgettext_lazy("accusative plural", "selected sent reminders"),
        count=npgettext_lazy("count", "%(count)s sent reminder", "%(count)s sent reminders", "count"),
        gender="n",
    )

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organization", "step"],
                condition=models.Q(organization__isnull=False),
                name="reminder_once_per_organization",
            ),
            models.UniqueConstraint(
                fields=["period", "step"], condition=models.Q(organization__isnull=True), name="reminder_once_to_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.organization or '—'} · {self.step}"
