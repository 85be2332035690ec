"""Registry of regulatory documents (orders, directives, …)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.querysets import DocumentQuerySet


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("No longer in force")


class Document(models.Model):
    """One regulatory act: its requisites and status."""

    authority = models.ForeignKey(
        "leanedu.Organization",
        verbose_name=_("issuing authority"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    number = models.CharField(_("number"), max_length=50)
    date_signed = models.DateField(_("date signed"))
    title = models.CharField(_("title"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    history = HistoricalRecords()
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date_signed", "-pk"]

    def __str__(self) -> str:
        return f"№ {self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])
