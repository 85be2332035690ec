"""Pilot sites («опорные площадки») and school lean projects."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.querysets import PilotSiteQuerySet, ProjectQuerySet


class PilotSiteLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    REGIONAL = "regional", _("Regional")
    FEDERAL = "federal", _("Federal exemplar")


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

    history = HistoricalRecords()
    objects = PilotSiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot site")
        verbose_name_plural = _("pilot sites")
        ordering = ["organization__short_name"]

    def __str__(self) -> str:
        return str(self.organization)


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

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("lean project")
        verbose_name_plural = _("lean projects")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


class MetricDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ProjectMetric(models.Model):
    """A measurable result of a project: было → цель → стало."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    direction = models.CharField(
        _("direction"), max_length=10, choices=MetricDirection.choices, default=MetricDirection.LOWER
    )
    baseline_value = models.DecimalField(_("before"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("before: date"), null=True, blank=True)
    target_value = models.DecimalField(_("goal"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_value = models.DecimalField(_("after"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_date = models.DateField(_("after: date"), null=True, blank=True)

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
    def goal_reached(self) -> bool | None:
        if self.actual_value is None or self.target_value is None:
            return None
        if self.direction == MetricDirection.HIGHER:
            return self.actual_value >= self.target_value
        return self.actual_value <= self.target_value
