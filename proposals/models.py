"""«Решаем вместе»: improvement proposals from the public.

A proposal carries the author's personal data (name, e-mail, phone, IP
addresses). Only office staff ever see it; the history table leaves it out,
and ``anonymize_proposals`` removes it from old closed proposals."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from leanedu.wording import Noun
from proposals.querysets import ProposalAttachmentQuerySet, ProposalQuerySet
from proposals.storage import private_storage


class AuthorRole(models.TextChoices):
    PARENT = "parent", _("Parent or legal guardian")
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff member")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    LEARNING = "learning", _("Learning process")
    FOOD = "food", _("School meals")
    SAFETY = "safety", _("Safety")
    TIMETABLE = "timetable", _("Timetable")
    INFRASTRUCTURE = "infrastructure", _("Buildings and equipment")
    PAPERWORK = "paperwork", _("Paperwork")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("Received")
    REGISTERED = "registered", _("Registered")
    IN_WORK = "in_work", _("In work")
    ANSWERED = "answered", _("Answered")
    REJECTED = "rejected", _("Rejected")
    CONVERTED = "converted", _("Turned into a project")


OPEN_STATUSES = (Status.NEW, Status.REGISTERED, Status.IN_WORK)
CLOSED_STATUSES = (Status.ANSWERED, Status.REJECTED, Status.CONVERTED)


class RejectReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate of another proposal")
    OFF_TOPIC = "off_topic", _("Off topic")


def hash_token(token: str) -> str:
    """The status token is stored only as its SHA-256: a leaked database does not
    reveal status links, and a lookup by hash leaks nothing about the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class YearCounter(models.Model):
    """The last registration number issued in a year. Incremented by one
    ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` in the submit transaction:
    the row lock serialises concurrent submissions, so numbers stay consecutive."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("registration counter")
        verbose_name_plural = _("registration counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Proposal(models.Model):
    """A proposal for improvement and its way through the office."""

    number = models.CharField(_("registration number"), max_length=20, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    # --- personal data: office staff only
    author_name = models.CharField(_("author's name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    submitted_ip = models.GenericIPAddressField(_("sender's IP address"), null=True, blank=True, editable=False)
    consent_version = models.CharField(_("consent text version"), max_length=20, editable=False)
    consent_at = models.DateTimeField(_("consent given"), editable=False)
    consent_ip = models.GenericIPAddressField(_("consent IP address"), null=True, blank=True, editable=False)

    # --- the proposal
    author_role = models.CharField(_("author is"), max_length=20, choices=AuthorRole.choices)
    organization = models.ForeignKey(
        "leanedu.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.TextField(_("proposal"))
    publish_consent = models.BooleanField(_("may be published without the name"), default=False)

    # --- triage
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False, db_index=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True, editable=False)
    due_date = models.DateField(_("answer due"), editable=False, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_proposals",
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    answer = models.TextField(_("answer"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    published = models.BooleanField(_("published on «We answered»"), default=False, editable=False)
    reject_reason = models.CharField(
        _("reason for rejection"), max_length=20, choices=RejectReason.choices, blank=True, editable=False
    )
    reject_comment = models.TextField(_("rejection comment"), blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        editable=False,
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        editable=False,
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    anonymized_at = models.DateTimeField(_("personal data removed"), null=True, blank=True, editable=False)

    # The history keeps the workflow, not the personal data.
    history = HistoricalRecords(
        excluded_fields=["author_name", "email", "phone", "submitted_ip", "consent_ip", "token_hash"]
    )
    objects = ProposalQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "proposal"),
        genitive=pgettext_lazy("genitive", "proposal"),
        selected=pgettext_lazy("accusative plural", "selected proposals"),
        count=npgettext_lazy("count", "%(count)s proposal", "%(count)s proposals", "count"),
        gender="n",
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["submitted_ip", "created_at"], name="proposal_ip_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^РВ-[0-9]{4}-[0-9]{5}$"), name="proposal_number_format"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name="proposal_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def is_due_soon(self) -> bool:
        """Open and due within three days (not yet overdue)."""
        today = timezone.localdate()
        return self.is_open and today <= self.due_date <= today + _days(3)

    @property
    def days_to_answer(self) -> int | None:
        if self.answered_at is None:
            return None
        return (timezone.localdate(self.answered_at) - timezone.localdate(self.created_at)).days


def _days(n: int):
    from datetime import timedelta

    return timedelta(days=n)


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    import secrets

    today: date = timezone.localdate()
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(instance.content_type, "bin")
    return f"{today:%Y/%m}/{secrets.token_hex(16)}.{ext}"


class ProposalAttachment(models.Model):
    """A file sent with a proposal: checked by content, images without metadata,
    kept in private storage."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size, bytes"))

    objects = ProposalAttachmentQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "proposal file"),
        genitive=pgettext_lazy("genitive", "proposal file"),
        selected=pgettext_lazy("accusative plural", "selected proposal files"),
        count=npgettext_lazy("count", "%(count)s proposal file", "%(count)s proposal files", "count"),
        gender="m",
    )

    class Meta:
        verbose_name = pgettext_lazy("proposal", "attachment")
        verbose_name_plural = pgettext_lazy("proposal", "attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
