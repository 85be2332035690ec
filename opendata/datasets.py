"""The open data sets: what each holds, its passport and its rows.

Form: «Методические рекомендации по публикации открытых данных» version 3.0
for the files (``list.csv`` register, per-set ``meta.csv`` passport,
``data-<version>-structure-<version>.csv`` and ``structure-<version>.csv``,
RFC 4180 CSV in UTF-8, comma-separated, dates as ISO 8601 with day
precision), with the passport's content as in version 4.0 of 12.12.2024
(owner, publisher, dates of first publication and last change, keywords,
subject). See docs/api.md.

Every set is generated from the live data through the anonymous reader's
``visible_to`` querysets, so a set holds exactly what the public site shows,
and never a person's name, e-mail or phone."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max
from django.utils import timezone

from leanedu.spreadsheets import csv_row

STANDARD_VERSION = "http://opendata.gosmonitor.ru/standard/3.0"
# The day the sets were first published (passport «created»).
FIRST_PUBLISHED = datetime.date(2026, 11, 27)
LICENCE = "Открытая лицензия: свободное использование при указании источника (ссылка на сайт)."


@dataclass(frozen=True)
class Column:
    name: str
    english: str
    russian: str
    format: str  # string, integer, float, date


@dataclass(frozen=True)
class Dataset:
    code: str
    title: str
    description: str
    subject: str
    keywords: str
    columns: tuple[Column, ...]
    rows: Callable[[str], Iterator[list]]
    version_query: Callable[[], tuple[datetime.datetime | None, int | None]]
    structure_version: datetime.date = FIRST_PUBLISHED
    provenance: str = "Данные портала; обновляются автоматически при каждом изменении."
    valid_days: int = 31
    extra: dict = field(default_factory=dict)

    @property
    def identifier(self) -> str:
        inn = settings.OPENDATA_PUBLISHER_INN
        return f"{inn}-{self.code}" if inn else self.code

    def version(self) -> tuple[datetime.date, int | None, datetime.datetime]:
        """(data version date, rows, last change) — the data file's name follows the date."""
        last, count = self.version_query()
        last = last or datetime.datetime.combine(FIRST_PUBLISHED, datetime.time(), tzinfo=datetime.UTC)
        return timezone.localdate(last), count, last

    def data_name(self, version: datetime.date) -> str:
        return f"data-{version:%Y%m%d}-structure-{self.structure_version:%Y%m%d}.csv"

    def structure_name(self) -> str:
        return f"structure-{self.structure_version:%Y%m%d}.csv"


def csv_lines(header: list[str], rows) -> Iterator[str]:
    """RFC 4180 CSV, comma-separated, CRLF, UTF-8 without BOM; chunks of 2,000
    lines. Text a spreadsheet would run as a formula (a project title or a
    document summary beginning with «=», «+», «-» or «@») goes through the
    kernel's formula-safe cell (leanedu.spreadsheets); numbers stay as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_row(header))
    rows = map(csv_row, rows)
    while True:
        writer.writerows(itertools.islice(rows, 2000))
        chunk = out.getvalue()
        if not chunk:
            return
        yield chunk
        out.seek(0)
        out.truncate()


def _anonymous():
    return AnonymousUser()


def _d(value) -> str:
    return value.isoformat() if value else ""


def _n(value) -> str:
    return "" if value is None else format(value, "f")


def site_url(base: str, path: str) -> str:
    return f"{base.rstrip('/')}{path}"


# --- documents -----------------------------------------------------------------------


def _documents():
    from documents.models import Document

    return Document.objects.visible_to(_anonymous())


def document_rows(base: str = "") -> Iterator[list]:
    from django.contrib.postgres.aggregates import StringAgg

    qs = (
        _documents()
        .annotate(tag_names=StringAgg("tags__name", "; ", order_by="tags__name", default=""))
        .order_by("-date_signed", "-pk")
        .values_list(
            "pk",
            "kind__name",
            "number",
            "date_signed",
            "title",
            "authority__short_name",
            "status",
            "effective_from",
            "effective_until",
            "tag_names",
        )
    )
    from documents.models import DocumentStatus

    labels = dict(DocumentStatus.choices)
    for pk, kind, number, signed, title, authority, status, since, until, tags in qs.iterator(chunk_size=2000):
        yield [
            pk,
            kind or "",
            number,
            _d(signed),
            title,
            authority,
            str(labels.get(status, status)),
            _d(since),
            _d(until),
            tags,
            site_url(base, f"/documents/{pk}/"),
        ]


def document_version():
    row = _documents().aggregate(last=Max("updated_at"), n=Count("pk"))
    return row["last"], row["n"]


# --- pilot sites ---------------------------------------------------------------------


def pilot_site_rows(base: str = "") -> Iterator[list]:
    from projects.models import PilotSite, PilotSiteLevel

    levels = dict(PilotSiteLevel.choices)
    sites = PilotSite.objects.visible_to(_anonymous()).select_related(
        "organization", "organization__municipality", "document", "document__kind"
    )
    for site in sites.order_by("pk").iterator(chunk_size=2000):
        doc = site.document
        reason = str(site.closed_reason())
        yield [
            site.pk,
            site.organization_id,
            site.organization.short_name,
            site.organization.municipality.short_name if site.organization.municipality_id else "",
            str(levels.get(site.level, site.level)),
            _d(site.starts_on),
            _d(site.ends_on),
            "; ".join(site.focus_area_list),
            doc.number,
            _d(doc.date_signed),
            doc.title,
            "нет" if reason else "да",
            reason,
        ]


def pilot_site_version():
    from projects.models import PilotSite

    history = PilotSite.history.aggregate(last=Max("history_date"))["last"]
    docs = _documents().filter(pilot_sites__isnull=False).aggregate(last=Max("updated_at"))["last"]
    count = PilotSite.objects.visible_to(_anonymous()).count()
    return max(filter(None, [history, docs]), default=None), count


# --- projects ------------------------------------------------------------------------


def _projects():
    from projects.models import Project

    return Project.objects.visible_to(_anonymous())


def project_rows(base: str = "") -> Iterator[list]:
    from django.contrib.postgres.aggregates import StringAgg

    from projects.models import ProjectStage, ProjectStatus

    statuses, stages = dict(ProjectStatus.choices), dict(ProjectStage.choices)
    qs = (
        _projects()
        .annotate(tool_names=StringAgg("tools__name", "; ", order_by="tools__name", default=""))
        .order_by("pk")
        .values_list(
            "pk",
            "organization_id",
            "organization__short_name",
            "organization__municipality__short_name",
            "title",
            "status",
            "stage",
            "process",
            "problem",
            "goal",
            "tool_names",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "is_replicable",
        )
    )
    for row in qs.iterator(chunk_size=2000):
        pk, org_id, org, muni, title, status, stage, process, problem, goal, tools, ps, pe, as_, ae, replicable = row
        yield [
            pk,
            org_id,
            org,
            muni or "",
            title,
            str(statuses.get(status, status)),
            str(stages.get(stage, stage)),
            process,
            problem,
            goal,
            tools,
            _d(ps),
            _d(pe),
            _d(as_),
            _d(ae),
            "да" if replicable else "нет",
            site_url(base, f"/projects/{pk}/"),
        ]


def project_version():
    row = _projects().aggregate(last=Max("updated_at"), n=Count("pk"))
    return row["last"], row["n"]


# --- approved indicator values ---------------------------------------------------------


def approved_values(year: int | None = None):
    from indicators.models import Value, ValueStatus

    values = Value.objects.visible_to(_anonymous()).filter(status=ValueStatus.APPROVED)
    if year is not None:
        values = values.filter(period__year=year)
    return values


def value_rows(base: str = "", values=None) -> Iterator[list]:
    """One line per approved value. PostgreSQL joins the names and formats
    every cell as text; Python only passes rows on, read in chunks through a
    server-side cursor, so memory stays flat and the cost stays near COPY's
    (bench/bench_api.py)."""
    from django.db import connection

    from indicators.models import Indicator, Period, Unit
    from leanedu.models import Organization

    values = approved_values() if values is None else values
    inner_sql, inner_params = (
        values.order_by()
        .values_list("pk", "organization_id", "indicator_id", "period_id", "value")
        .query.sql_with_params()
    )
    units = " ".join("WHEN %s THEN %s" for _choice in Unit.choices)
    unit_params = [part for value, label in Unit.choices for part in (value, str(label))]
    sql = f"""
        SELECT v.id, v.organization_id, o.short_name, o.municipality_id, m.short_name, i.code, i.name,
            CASE i.unit {units} ELSE i.unit END,
            CASE p.kind WHEN 'year' THEN p.year::text
                WHEN 'half' THEN p.year || '-H' || p.number
                WHEN 'quarter' THEN p.year || '-Q' || p.number
                ELSE p.year || '-' || (p.year + 1) END,
            p.starts_on::text, p.ends_on::text, v.value::text
        FROM ({inner_sql}) v (id, organization_id, indicator_id, period_id, value)
        JOIN {Organization._meta.db_table} o ON o.id = v.organization_id
        LEFT JOIN {Organization._meta.db_table} m ON m.id = o.municipality_id
        JOIN {Indicator._meta.db_table} i ON i.id = v.indicator_id
        JOIN {Period._meta.db_table} p ON p.id = v.period_id
        ORDER BY v.id
    """
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [*unit_params, *inner_params])
        while rows := cursor.fetchmany(5000):
            yield from rows


def value_version():
    row = approved_values().aggregate(last=Max("updated_at"), n=Count("pk"))
    return row["last"], row["n"]


# --- approved facts per year: the official report's cells -----------------------------


def fact_rows(base: str = "") -> Iterator[list]:
    """Per calendar year: the region, each municipality and each organisation,
    per entered indicator — fact, target, baseline and % of target from the
    approved values, computed by the same roll-up as the dashboard and the
    official report (``indicators.facts.rollup``). Three queries a year."""
    from indicators.facts import rollup
    from indicators.models import Indicator, Period, PeriodKind
    from leanedu.models import Organization, OrganizationKind

    indicators = {i.pk: i for i in Indicator.objects.entered()}
    values = approved_values()
    names = dict(Organization.objects.values_list("pk", "short_name"))
    municipality_of = dict(Organization.objects.values_list("pk", "municipality_id"))
    regions = list(Organization.objects.filter(kind=OrganizationKind.REGION_AUTHORITY).values_list("pk", flat=True))
    region_id = regions[0] if len(regions) == 1 else None
    units = {pk: str(i.get_unit_display()) for pk, i in indicators.items()}
    order = {pk: (i.sort_order, i.code) for pk, i in indicators.items()}
    for period in Period.objects.filter(kind=PeriodKind.YEAR).order_by("year"):
        levels = (
            ("region", {(None, k): v for k, v in rollup(values, period, indicators).items()}),
            ("municipality", rollup(values, period, indicators, group_by="organization__municipality_id")),
            ("organization", rollup(values, period, indicators, group_by="organization_id")),
        )
        for level, buckets in levels:
            keyed = sorted(
                buckets.items(), key=lambda item: (names.get(item[0][0], ""), item[0][0] or 0, order[item[0][1]])
            )
            for (area_id, indicator_id), bucket in keyed:
                if level == "region":
                    area_id = region_id
                indicator = indicators[indicator_id]
                muni_id = municipality_of.get(area_id) if level == "organization" else None
                yield [
                    period.year,
                    level,
                    area_id or "",
                    names.get(area_id, ""),
                    names.get(muni_id, "") if muni_id else "",
                    indicator.code,
                    indicator.name,
                    units[indicator_id],
                    _n(bucket.baseline),
                    _n(bucket.target),
                    _n(bucket.fact),
                    _n(bucket.percent),
                    bucket.reported,
                ]


def fact_version():
    from indicators.models import Target

    row = approved_values().aggregate(last=Max("updated_at"), n=Count("pk"))
    targets = Target.history.aggregate(last=Max("history_date"))["last"]
    # The number of rows is known only once the roll-up ran: not in the passport.
    return max(filter(None, [row["last"], targets]), default=None), None


FACT_COLUMNS = (
    Column("year", "Calendar year", "Год", "integer"),
    Column("level", "region, municipality or organization", "Уровень: region, municipality, organization", "string"),
    Column(
        "area_id",
        "Organisation identifier of the area",
        "Идентификатор организации (области, муниципалитета)",
        "integer",
    ),
    Column("area", "Region, municipality or organisation", "Область, муниципалитет или организация", "string"),
    Column("municipality", "Municipality of the organisation", "Муниципалитет организации", "string"),
    Column("indicator_code", "Indicator code", "Код показателя", "string"),
    Column("indicator", "Indicator", "Показатель", "string"),
    Column("unit", "Unit", "Единица измерения", "string"),
    Column("baseline", "Baseline value", "Базовое значение", "float"),
    Column("target", "Target value", "Целевое значение", "float"),
    Column("fact", "Fact", "Факт", "float"),
    Column("percent_of_target", "Percentage of target reached", "% выполнения", "float"),
    Column(
        "reported_organizations",
        "Organisations with approved values",
        "Число организаций с утверждёнными значениями",
        "integer",
    ),
)

VALUE_COLUMNS = (
    Column("id", "Value identifier", "Идентификатор значения", "integer"),
    Column("organization_id", "Organisation identifier", "Идентификатор организации", "integer"),
    Column("organization", "Organisation", "Организация", "string"),
    Column("municipality_id", "Municipality identifier", "Идентификатор муниципалитета", "integer"),
    Column("municipality", "Municipality", "Муниципалитет", "string"),
    Column("indicator_code", "Indicator code", "Код показателя", "string"),
    Column("indicator", "Indicator", "Показатель", "string"),
    Column("unit", "Unit", "Единица измерения", "string"),
    Column("period", "Period code (2025, 2025-H1, 2025-Q3, 2025-2026)", "Код периода", "string"),
    Column("period_start", "Period start", "Начало периода", "date"),
    Column("period_end", "Period end", "Конец периода", "date"),
    Column("value", "Approved value", "Утверждённое значение", "float"),
)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        code="documents",
        title="Реестр нормативных документов по внедрению бережливых технологий в образовании",
        description="Приказы, распоряжения, положения и другие документы: реквизиты, вид, орган, статус, "
        "срок действия, темы, ссылка на карточку документа на сайте.",
        subject="Образование",
        keywords="бережливые технологии, нормативные документы, приказ, распоряжение, образование",
        columns=(
            Column("id", "Document identifier", "Идентификатор документа", "integer"),
            Column("kind", "Kind", "Вид документа", "string"),
            Column("number", "Number", "Номер", "string"),
            Column("date_signed", "Date signed", "Дата подписания", "date"),
            Column("title", "Title", "Название", "string"),
            Column("authority", "Issuing authority", "Орган, издавший документ", "string"),
            Column("status", "Status", "Статус", "string"),
            Column("effective_from", "In force from", "Действует с", "date"),
            Column("effective_until", "In force until", "Действует по", "date"),
            Column("tags", "Topics", "Темы", "string"),
            Column("url", "Page on the site", "Страница на сайте", "string"),
        ),
        rows=document_rows,
        version_query=document_version,
    ),
    Dataset(
        code="pilot-sites",
        title="Опорные площадки по внедрению бережливых технологий",
        description="Организации — опорные площадки: уровень, период, направления работы, "
        "документ о присвоении статуса, работает ли площадка сейчас и почему закрыта.",
        subject="Образование",
        keywords="бережливые технологии, опорные площадки, школы, детские сады",
        columns=(
            Column("id", "Pilot site identifier", "Идентификатор площадки", "integer"),
            Column("organization_id", "Organisation identifier", "Идентификатор организации", "integer"),
            Column("organization", "Organisation", "Организация", "string"),
            Column("municipality", "Municipality", "Муниципалитет", "string"),
            Column("level", "Level", "Уровень", "string"),
            Column("starts_on", "Period start", "Начало периода", "date"),
            Column("ends_on", "Period end", "Окончание периода", "date"),
            Column("focus_areas", "Focus areas", "Направления работы", "string"),
            Column("document_number", "Designating document: number", "Документ о присвоении статуса: номер", "string"),
            Column("document_date", "Designating document: date", "Документ о присвоении статуса: дата", "date"),
            Column(
                "document_title", "Designating document: title", "Документ о присвоении статуса: название", "string"
            ),
            Column("is_active", "Active today (да/нет)", "Работает сейчас (да/нет)", "string"),
            Column("closed_reason", "Why closed", "Причина закрытия", "string"),
        ),
        rows=pilot_site_rows,
        version_query=pilot_site_version,
    ),
    Dataset(
        code="projects",
        title="Бережливые проекты образовательных организаций",
        description="Одобренные, реализуемые и завершённые бережливые проекты: организация, процесс, проблема, "
        "цель, инструменты, сроки, типовое решение. Без персональных данных участников.",
        subject="Образование",
        keywords="бережливые проекты, бережливые технологии, типовые решения, школы",
        columns=(
            Column("id", "Project identifier", "Идентификатор проекта", "integer"),
            Column("organization_id", "Organisation identifier", "Идентификатор организации", "integer"),
            Column("organization", "Organisation", "Организация", "string"),
            Column("municipality", "Municipality", "Муниципалитет", "string"),
            Column("title", "Title", "Название проекта", "string"),
            Column("status", "Status", "Статус", "string"),
            Column("stage", "Stage", "Этап", "string"),
            Column("process", "Process", "Процесс", "string"),
            Column("problem", "Problem", "Проблема", "string"),
            Column("goal", "Goal", "Цель", "string"),
            Column("tools", "Lean tools", "Инструменты бережливого производства", "string"),
            Column("planned_start", "Planned start", "Плановое начало", "date"),
            Column("planned_end", "Planned end", "Плановое окончание", "date"),
            Column("actual_start", "Actual start", "Фактическое начало", "date"),
            Column("actual_end", "Actual end", "Фактическое окончание", "date"),
            Column("is_replicable", "Typical solution (да/нет)", "Типовое решение (да/нет)", "string"),
            Column("url", "Page on the site", "Страница на сайте", "string"),
        ),
        rows=project_rows,
        version_query=project_version,
    ),
    Dataset(
        code="indicator-values",
        title="Утверждённые значения целевых показателей результативности внедрения бережливых технологий",
        description="Значения целевых показателей по организациям и периодам (год, полугодие, квартал, учебный "
        "год), утверждённые проектным офисом. Только утверждённые значения.",
        subject="Образование",
        keywords="целевые показатели, бережливые технологии, показатели результативности, образование",
        columns=VALUE_COLUMNS,
        rows=value_rows,
        version_query=value_version,
    ),
    Dataset(
        code="indicator-facts",
        title="Выполнение целевых показателей результативности внедрения бережливых технологий по годам",
        description="Базовое значение, целевое значение, факт и % выполнения по каждому году для области, "
        "каждого муниципалитета и каждой организации — как в официальной таблице отчёта. "
        "Считаются только утверждённые значения.",
        subject="Образование",
        keywords="целевые показатели, % выполнения, бережливые технологии, муниципалитеты, образование",
        columns=FACT_COLUMNS,
        rows=fact_rows,
        version_query=fact_version,
    ),
)

BY_CODE = {dataset.code: dataset for dataset in DATASETS}


def passport(dataset: Dataset, base_url: str) -> list[tuple[str, str]]:
    """The passport as (property, value) rows of meta.csv."""
    version, _count, last = dataset.version()
    root = f"{base_url.rstrip('/')}/opendata/{dataset.identifier}/"
    return [
        ("standardversion", STANDARD_VERSION),
        ("identifier", dataset.identifier),
        ("title", dataset.title),
        ("description", dataset.description),
        ("creator", settings.OPENDATA_PUBLISHER),
        ("format", "csv"),
        (dataset.data_name(version).removesuffix(".csv"), root + dataset.data_name(version)),
        (dataset.structure_name().removesuffix(".csv"), root + dataset.structure_name()),
        ("publishername", settings.OPENDATA_PUBLISHER),
        ("publisherphone", ""),
        ("publishermbox", settings.OFFICE_EMAIL),
        ("created", f"{FIRST_PUBLISHED:%Y%m%d}"),
        ("modified", f"{version:%Y%m%d}"),
        ("provenance", dataset.provenance),
        ("valid", f"{version + datetime.timedelta(days=dataset.valid_days):%Y%m%d}"),
        ("subject", dataset.subject),
        ("keywords", dataset.keywords),
        ("license", LICENCE),
    ]
