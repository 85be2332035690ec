"""The shared kernel: organisations as a tree, and memberships that tie a
user to an organisation in a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from leanedu.querysets import MembershipQuerySet, OrganizationQuerySet
from leanedu.roles import Role
from leanedu.wording import Noun


class OrganizationKind(models.TextChoices):
    REGION_AUTHORITY = "region", _("Regional education authority")
    MUNICIPAL_AUTHORITY = "municipal", _("Municipal education authority")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SUPPLEMENTARY = "supplementary", _("Supplementary education")
    COLLEGE = "college", _("College")


AUTHORITY_KINDS = frozenset({OrganizationKind.REGION_AUTHORITY, OrganizationKind.MUNICIPAL_AUTHORITY})

# Which kinds may sit under which: region → municipality → education organisation.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    OrganizationKind.REGION_AUTHORITY: {None},
    OrganizationKind.MUNICIPAL_AUTHORITY: {OrganizationKind.REGION_AUTHORITY},
    OrganizationKind.SCHOOL: {OrganizationKind.MUNICIPAL_AUTHORITY},
    OrganizationKind.KINDERGARTEN: {OrganizationKind.MUNICIPAL_AUTHORITY},
    OrganizationKind.SUPPLEMENTARY: {OrganizationKind.MUNICIPAL_AUTHORITY},
    OrganizationKind.COLLEGE: {OrganizationKind.MUNICIPAL_AUTHORITY, OrganizationKind.REGION_AUTHORITY},
}


class Organization(models.Model):
    """An education authority or an education organisation.

    ``municipality`` is denormalised (the municipal authority an organisation
    belongs to, itself for a municipal authority) so that scoping an official
    to a municipality is one indexed filter at regional scale."""

    full_name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200)
    kind = models.CharField(
        pgettext_lazy("organisation", "type"), max_length=20, choices=OrganizationKind.choices, db_index=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    municipality = models.ForeignKey(
        "self",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # An authority's head signs its official reports (the signature block).
    head_position = models.CharField(
        _("head's position"), max_length=300, blank=True, help_text=_("E.g. «Начальник Управления образования».")
    )
    head_name = models.CharField(_("head's name"), max_length=200, blank=True, help_text=_("E.g. «С. В. Иванова»."))

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "organisation"),
        genitive=pgettext_lazy("genitive", "organisation"),
        selected=pgettext_lazy("accusative plural", "selected organisations"),
        count=npgettext_lazy("count", "%(count)s organisation", "%(count)s organisations", "count"),
        gender="f",
    )

    class Meta:
        verbose_name = _("organisation")
        # Imports write many rows at once: a right of its own, given to the roles that import.
        permissions = [("import_organization", _("Can import organisations"))]
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "short_name"], name="organization_unique_short_name_per_parent"),
            models.CheckConstraint(
                condition=models.Q(inn="") | models.Q(inn__regex=r"^[0-9]{10}([0-9]{2})?$"),
                name="organization_inn_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs) -> None:
        self.municipality_id = self._compute_municipality_id()
        super().save(*args, **kwargs)
        if self.kind == OrganizationKind.MUNICIPAL_AUTHORITY and self.municipality_id != self.pk:
            # A municipal authority is its own municipality; its id exists only now.
            self.municipality_id = self.pk
            type(self).objects.filter(pk=self.pk).update(municipality_id=self.pk)

    @property
    def is_authority(self) -> bool:
        return self.kind in AUTHORITY_KINDS

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind not in ALLOWED_PARENT_KINDS.get(self.kind, set()):
            raise ValidationError({"parent": _("This kind of organisation cannot be placed under that parent.")})
        if self.inn and not (self.inn.isdigit() and len(self.inn) in (10, 12)):
            raise ValidationError({"inn": _("INN is 10 or 12 digits.")})

    def _compute_municipality_id(self) -> int | None:
        if self.kind == OrganizationKind.MUNICIPAL_AUTHORITY:
            return self.pk  # None on first save; fixed up just below
        if self.parent_id is None:
            return None
        parent = self.parent
        if parent.kind == OrganizationKind.MUNICIPAL_AUTHORITY:
            return parent.pk
        return parent.municipality_id


class Membership(models.Model):
    """A user's role in an organisation: the source of their scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("work phone"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    wording = Noun(
        accusative=pgettext_lazy("accusative", "membership"),
        genitive=pgettext_lazy("genitive", "membership"),
        selected=pgettext_lazy("accusative plural", "selected memberships"),
        count=npgettext_lazy("count", "%(count)s membership", "%(count)s memberships", "count"),
        gender="f",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__short_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


def _register_user_history() -> None:
    """Keep change history of user accounts too (roles, activation)."""
    from django.contrib.auth.models import User
    from simple_history import register

    register(User, app="leanedu", table_name="leanedu_historicaluser")


_register_user_history()


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the change it announces
    and delivered afterwards by a task: a slow or broken mail server never
    delays or loses the change itself, and failed deliveries are retried
    (``manage.py send_pending_mail``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # The secret part of the text (a proposal's status link), encrypted with a key
    # derived from SECRET_KEY until delivery and erased after it (leanedu/mail.py).
    secret = models.TextField(_("encrypted secret part"), blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    wording = Noun(
        accusative=pgettext_lazy("accusative", "outgoing e-mail"),
        genitive=pgettext_lazy("genitive", "outgoing e-mail"),
        selected=pgettext_lazy("accusative plural", "selected outgoing e-mails"),
        count=npgettext_lazy("count", "%(count)s outgoing e-mail", "%(count)s outgoing e-mails", "count"),
        gender="n",
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoingemail_due")]

    def __str__(self) -> str:
        return self.subject
