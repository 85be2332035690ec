"""Pilot sites («опорные площадки») and school lean projects."""

from __future__ import annotations

import operator
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from leanedu.rules import RuledQuerySet
from leanedu.wording import Noun
from projects.querysets import (
    PilotSiteQuerySet,
    ProjectLogQuerySet,
    ProjectMetricQuerySet,
    ProjectPartQuerySet,
    ProjectQuerySet,
)


class PilotSiteLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    REGIONAL = "regional", _("Regional")
    FEDERAL = "federal", _("Federal exemplar")


# The one rule of «is this pilot site active on a date», read two ways: as a
# test of a loaded site (PilotSite.closed_reason, for its card and the admin)
# and as a filter (PilotSite.active_q: the pilot-site list, the computed
# indicators). Each row: a field path, how it is compared with the date, and
# the reason a person reads when that comparison holds. A site is active when
# none holds; an empty field never holds (no end date: open-ended).
PILOT_SITE_CLOSED_WHEN = (
    ("document__status", "exact", lambda on: "repealed", _("The designating document is no longer in force.")),
    ("document__effective_until", "lt", lambda on: on, _("The designating document expired on %(date)s.")),
    ("ends_on", "lt", lambda on: on, _("The pilot site period ended on %(date)s.")),
    ("starts_on", "gt", lambda on: on, _("The pilot site period starts on %(date)s.")),
)
COMPARE = {"exact": operator.eq, "lt": operator.lt, "gt": operator.gt, "gte": operator.ge, "lte": operator.le}


def _path_value(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


class PilotSite(models.Model):
    """An organisation designated a pilot site by a registry document."""

    organization = models.ForeignKey(
        "leanedu.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="pilot_sites"
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("designating document"),
        on_delete=models.PROTECT,
        related_name="pilot_sites",
    )
    level = models.CharField(
        _("level"), max_length=20, choices=PilotSiteLevel.choices, default=PilotSiteLevel.MUNICIPAL
    )
    starts_on = models.DateField(_("period start"))
    ends_on = models.DateField(_("period end"), null=True, blank=True)
    focus_areas = models.TextField(
        _("focus areas"), blank=True, help_text=_("One area per line, e.g. «5S in classrooms».")
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("curator from the office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = PilotSiteQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "pilot site"),
        genitive=pgettext_lazy("genitive", "pilot site"),
        selected=pgettext_lazy("accusative plural", "selected pilot sites"),
        count=npgettext_lazy("count", "%(count)s pilot site", "%(count)s pilot sites", "count"),
        gender="f",
    )

    class Meta:
        verbose_name = _("pilot site")
        verbose_name_plural = _("pilot sites")
        ordering = ["organization__short_name"]

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def focus_area_list(self) -> list[str]:
        return [line.strip() for line in self.focus_areas.splitlines() if line.strip()]

    @staticmethod
    def active_q(on: date) -> models.Q:
        """Sites working on ``on``, as a filter of pilot sites. (Negations:
        not meant to be reached through a many-valued relation.)"""
        q = models.Q()
        for path, lookup, value, _reason in PILOT_SITE_CLOSED_WHEN:
            q &= ~models.Q(**{f"{path}__{lookup}": value(on)})
        return q

    def closed_reason(self, today: date | None = None) -> str:
        """Why the site is not working on ``today``, or "" while it is active:
        its designating act is repealed or expired, or the date is outside its
        own period (PILOT_SITE_CLOSED_WHEN)."""
        today = today or timezone.localdate()
        for path, lookup, value, reason in PILOT_SITE_CLOSED_WHEN:
            found = _path_value(self, path)
            if found is not None and COMPARE[lookup](found, value(today)):
                shown = date_format(found, "DATE_FORMAT") if isinstance(found, date) else found
                return str(reason) % {"date": shown}
        return ""

    @property
    def is_closed(self) -> bool:
        return bool(self.closed_reason())


class ProjectStage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    DIAGNOSTICS = "diagnostics", _("Diagnostics")
    TARGET_STATE = "target_state", _("Target state")
    IMPLEMENTATION = "implementation", _("Implementation")
    CONSOLIDATION = "consolidation", _("Consolidation of results")
    REPLICATION = "replication", _("Replication")


class LeanTool(models.Model):
    """A lean tool from the reference list (5S, VSM, kanban, …)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords()
    objects = RuledQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "lean tool"),
        genitive=pgettext_lazy("genitive", "lean tool"),
        selected=pgettext_lazy("accusative plural", "selected lean tools"),
        count=npgettext_lazy("count", "%(count)s lean tool", "%(count)s lean tools", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("lean tool")
        verbose_name_plural = _("lean tools")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# What the public showcase shows.
PUBLIC_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)
# Where the coordinator may edit the whole passport.
EDITABLE_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.RETURNED)
# Where the coordinator may record results (стало, what was done, photos).
RESULT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS)


class Project(models.Model):
    """A school lean project: its passport and review status."""

    organization = models.ForeignKey(
        "leanedu.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=500)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The passport. Everything is optional on a draft; submitting checks it.
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.PREPARATION, db_index=True
    )
    process = models.CharField(_("process"), max_length=500, blank=True)
    process_first_step = models.CharField(_("process starts with"), max_length=300, blank=True)
    process_last_step = models.CharField(_("process ends with"), max_length=300, blank=True)
    customer_group = models.CharField(
        _("who the process serves"), max_length=300, blank=True, help_text=_("E.g. pupils, parents, teachers.")
    )
    problem = models.TextField(_("problem"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    leader = models.CharField(_("project leader"), max_length=200, blank=True, help_text=_("Full name and position."))
    sponsor = models.CharField(_("sponsor (director)"), max_length=200, blank=True)
    tools = models.ManyToManyField(LeanTool, verbose_name=_("lean tools used"), blank=True, related_name="projects")
    risks = models.TextField(_("risks"), blank=True)
    results = models.TextField(_("what was done"), blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    is_replicable = models.BooleanField(
        _("standard solution"), default=False, help_text=_("Other organisations can copy this project.")
    )
    source = models.ForeignKey(
        "self",
        verbose_name=_("repeats the standard solution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The standard solution of another organisation this project repeats («тиражирование»)."),
    )
    review_comment = models.TextField(_("latest office comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Russian full-text search of the showcase, kept by PostgreSQL itself.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "process", "customer_group", "problem", "goal", "results", config="russian"),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"], m2m_fields=[tools])
    objects = ProjectQuerySet.as_manager()

    # The passport's parts, named once: the services, the export and the API
    # list their fields from these.
    PROCESS_FIELDS = ("process", "process_first_step", "process_last_step", "customer_group", "problem", "goal")
    PEOPLE_FIELDS = ("leader", "sponsor")
    DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")
    wording = Noun(
        accusative=pgettext_lazy("accusative", "lean project"),
        genitive=pgettext_lazy("genitive", "lean project"),
        selected=pgettext_lazy("accusative plural", "selected lean projects"),
        count=npgettext_lazy("count", "%(count)s lean project", "%(count)s lean projects", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("lean project")
        verbose_name_plural = _("lean projects")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="project_status_updated"),
            # The showcase and the admin list newest first: a walk down this index.
            models.Index(fields=["-updated_at", "-id"], name="project_updated_desc"),
            GinIndex(fields=["search_vector"], name="project_search"),
            models.Index(fields=["organization", "status"], name="project_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gte=models.F("planned_start")),
                name="project_planned_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    def clean(self) -> None:
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            raise ValidationError({"planned_end": _("The planned end is before the planned start.")})
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            raise ValidationError({"actual_end": _("The actual end is before the actual start.")})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        """The coordinator may change the whole passport."""
        return self.status in EDITABLE_STATUSES

    @property
    def accepts_results(self) -> bool:
        """The coordinator may record results (стало, what was done, photos)."""
        return self.status in RESULT_STATUSES


class TeamMember(models.Model):
    """A member of the project team: name and role in the project."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("surname, name and patronymic"), max_length=200)
    role = models.CharField(_("role in the project"), max_length=200, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "team member"),
        genitive=pgettext_lazy("genitive", "team member"),
        selected=pgettext_lazy("accusative plural", "selected team members"),
        count=npgettext_lazy("count", "%(count)s team member", "%(count)s team members", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("project team")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.name


class AttachmentKind(models.TextChoices):
    CURRENT_MAP = "current_map", _("Current-state map")
    TARGET_MAP = "target_map", _("Target-state map")
    ACTION_PLAN = "action_plan", _("Action plan")
    STANDARD = "standard", _("Standard")
    PHOTO_BEFORE = "photo_before", _("Photo before")
    PHOTO_AFTER = "photo_after", _("Photo after")


PHOTO_KINDS = (AttachmentKind.PHOTO_BEFORE, AttachmentKind.PHOTO_AFTER)


def attachment_path(instance: ProjectAttachment, filename: str) -> str:
    # A random name: the uploader's file name is kept only in the database.
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ProjectAttachment(models.Model):
    """A file of a project, checked by content when uploaded
    (see ``projects.uploads``). Served only through a permission-checked view."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords()

    objects = ProjectPartQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "project file"),
        genitive=pgettext_lazy("genitive", "project file"),
        selected=pgettext_lazy("accusative plural", "selected project files"),
        count=npgettext_lazy("count", "%(count)s project file", "%(count)s project files", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["project", "kind", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("projects:attachment", args=[self.project_id, self.pk])

    @property
    def is_photo(self) -> bool:
        return self.kind in PHOTO_KINDS

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProjectTransition(models.Model):
    """One status change: who, when, from what to what, and the comment.
    The coordinator reads the office's comments here."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=ProjectStatus.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=ProjectStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ProjectLogQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "status change"),
        genitive=pgettext_lazy("genitive", "status change"),
        selected=pgettext_lazy("accusative plural", "selected status changes"),
        count=npgettext_lazy("count", "%(count)s status change", "%(count)s status changes", "count"),
        gender="f",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["project", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Direction(models.TextChoices):
    """Which way a measure improves: a project's metric, an indicator."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")

    @property
    def goal_lookup(self) -> str:
        """How a value compares with its goal when the goal is reached."""
        return GOAL_REACHED_LOOKUP[self]

    def reached(self, value, goal) -> bool:
        """The goal rule on two numbers (``goal_reached_q`` is the same rule in SQL)."""
        return COMPARE[self.goal_lookup](value, goal)


# The goal rule: «after» ≥ «goal» when higher is better, ≤ when lower is better.
GOAL_REACHED_LOOKUP = {Direction.HIGHER: "gte", Direction.LOWER: "lte"}


def goal_reached_q(prefix: str = "", *, value: str = "actual_value", goal: str = "target_value") -> models.Q:
    """Rows whose ``value`` reached ``goal`` in their ``direction``, as a filter;
    ``prefix`` reaches them through a relation (e.g. "metrics")."""
    p = f"{prefix}__" if prefix else ""
    q = models.Q()
    for direction, lookup in GOAL_REACHED_LOOKUP.items():
        q |= models.Q(**{f"{p}direction": direction, f"{p}{value}__{lookup}": models.F(f"{p}{goal}")})
    return q


class ProjectMetric(models.Model):
    """A measurable result of a project: было → цель → стало."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(_("metric"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.LOWER)
    baseline_value = models.DecimalField(_("before"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("before: date"), null=True, blank=True)
    target_value = models.DecimalField(_("goal"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_value = models.DecimalField(_("after"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_date = models.DateField(_("after: date"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProjectMetricQuerySet.as_manager()

    #: What a person enters for a metric, in the order the forms, the back
    #: office and the API show it (% change and «goal reached» are computed).
    ENTERED_FIELDS = (
        "name",
        "unit",
        "direction",
        "baseline_value",
        "baseline_date",
        "target_value",
        "actual_value",
        "actual_date",
    )

    wording = Noun(
        accusative=pgettext_lazy("accusative", "project metric"),
        genitive=pgettext_lazy("genitive", "project metric"),
        selected=pgettext_lazy("accusative plural", "selected project metrics"),
        count=npgettext_lazy("count", "%(count)s project metric", "%(count)s project metrics", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = _("project metric")
        verbose_name_plural = _("project metrics")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def change_percent(self) -> Decimal | None:
        """% change from было to стало; None when it cannot be computed."""
        if self.baseline_value in (None, 0) or self.actual_value is None:
            return None
        return ((self.actual_value - self.baseline_value) / abs(self.baseline_value) * 100).quantize(Decimal("0.1"))

    @property
    def improved(self) -> bool | None:
        """Did стало move in the good direction from было?"""
        if self.actual_value is None or self.baseline_value is None:
            return None
        if self.direction == Direction.HIGHER:
            return self.actual_value > self.baseline_value
        return self.actual_value < self.baseline_value

    @property
    def goal_reached(self) -> bool | None:
        """Did «after» reach the goal (None while either is missing)?"""
        if self.actual_value is None or self.target_value is None:
            return None
        return Direction(self.direction).reached(self.actual_value, self.target_value)


class SubmittedProject(Project):
    """The office's review queue: projects submitted and waiting for a decision."""

    wording = Noun(
        accusative=pgettext_lazy("accusative", "project for review"),
        genitive=pgettext_lazy("genitive", "project for review"),
        selected=pgettext_lazy("accusative plural", "selected projects for review"),
        count=npgettext_lazy("count", "%(count)s project for review", "%(count)s projects for review", "count"),
        gender="m",
    )

    class Meta:
        proxy = True
        verbose_name = _("project for review")
        verbose_name_plural = _("review queue")
