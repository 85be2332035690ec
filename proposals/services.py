"""Every write of «Решаем вместе». Each takes the acting user (``None`` for
the public form), runs in one transaction, checks the source state and the
actor's right, and queues its e-mails in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanedu import uploads
from leanedu.mail import SECRET_PLACEHOLDER, absolute_url, queue_email
from leanedu.models import OutgoingEmail
from leanedu.rules import CHANGE, DELETE, require
from leanedu.transitions import Step, lock
from proposals import conf
from proposals.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Proposal,
    ProposalAttachment,
    RejectReason,
    Status,
    hash_token,
)


@dataclass(frozen=True)
class Submitted:
    proposal: Proposal
    token: str


STATUS_MESSAGE = _("This cannot be done with a proposal in the status «%(status)s».")


@dataclass(frozen=True, kw_only=True)
class ProposalStep(Step):
    """A transition of a proposal: the office's, with its reason in the
    history and, for the ones that close or answer it, the letter to the author."""

    reason: str
    template: str = ""  # proposals/email/<template>; none: no letter
    subject: str = ""  # «%(number)s» is the registration number
    status_message: str | None = STATUS_MESSAGE


STEPS: dict[str, ProposalStep] = {
    "register": ProposalStep(sources=(Status.NEW,), to=Status.REGISTERED, label=_("Register"), reason="register"),
    "publish": ProposalStep(
        sources=(Status.ANSWERED,), to=Status.ANSWERED, label=_("Publish on «We answered»"), reason="publish"
    ),
    "unpublish": ProposalStep(
        sources=(Status.ANSWERED,), to=Status.ANSWERED, label=_("Remove from «We answered»"), reason="unpublish"
    ),
    "take_in_work": ProposalStep(
        sources=(Status.NEW, Status.REGISTERED), to=Status.IN_WORK, label=_("Take into work"), reason="take in work"
    ),
    "answer": ProposalStep(
        sources=tuple(OPEN_STATUSES),
        to=Status.ANSWERED,
        label=_("Answer"),
        reason="answer",
        template="answered.txt",
        subject=_("Answer to your proposal %(number)s"),
    ),
    "reject": ProposalStep(
        sources=tuple(OPEN_STATUSES),
        to=Status.REJECTED,
        label=_("Reject"),
        reason="reject",
        template="rejected.txt",
        subject=_("Your proposal %(number)s is closed"),
    ),
    "convert": ProposalStep(
        sources=tuple(OPEN_STATUSES),
        to=Status.CONVERTED,
        label=_("Turn into a project"),
        reason="convert to project",
        template="converted.txt",
        subject=_("Your proposal %(number)s became a project"),
    ),
}
# From which statuses each transition starts: the services use it, the admin
# offers the buttons from it.
TRANSITION_SOURCES: dict[str, tuple[str, ...]] = {name: step.sources for name, step in STEPS.items()}


def _proposal_transition(
    proposal: Proposal,
    name: str,
    *,
    actor,
    check: Callable[[Proposal], None] | None = None,
    change: Callable[[Proposal], None] | None = None,
    reason: str = "",
    status_url: str = "",
    write: bool = True,
) -> Proposal:
    """Make the transition ``name`` (see ``STEPS``) and, unless ``write`` is
    false, send the author its letter with the status link."""
    step = STEPS[name]

    def notify(p: Proposal) -> None:
        if write and step.template:
            _mail_author(p, step.template, step.subject % {"number": p.number}, status_url=status_url)

    return step.run(proposal, actor=actor, reason=reason or step.reason, check=check, change=change, notify=notify)


def next_number(year: int) -> str:
    """The next registration number of ``year``, inside the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO proposals_yearcounter (year, last_number) VALUES (%s, 1)
            ON CONFLICT (year) DO UPDATE SET last_number = proposals_yearcounter.last_number + 1
            RETURNING last_number
            """,
            [year],
        )
        (value,) = cursor.fetchone()
    return f"РВ-{year}-{value:05d}"


def status_url(token: str) -> str:
    """The secret link to a proposal's status page, as the author gets it."""
    return absolute_url(reverse("proposals:status", args=[token]))


def _mail_author(proposal: Proposal, template: str, subject: str, *, status_url: str = "", **context) -> None:
    """Queue a letter to the author. The status link is the secret part: the
    outbox stores it encrypted and forgets it after delivery (leanedu/mail.py)."""
    if not proposal.email:
        return
    context["status_url"] = SECRET_PLACEHOLDER if status_url else ""
    body = render_to_string(f"proposals/email/{template}", {"proposal": proposal, **context})
    queue_email(to=proposal.email, subject=subject, body=body, secret=status_url)


def proposal_submit(
    *,
    actor=None,
    author_name: str,
    email: str,
    phone: str = "",
    author_role: str,
    organization=None,
    category: str,
    text: str,
    publish_consent: bool = False,
    ip: str | None = None,
    files: list[uploads.Checked] | tuple = (),  # checked and cleaned by the form
) -> Submitted:
    """Store a proposal from the public form, give it a number and a secret
    status link (absolute, from SITE_URL), and e-mail both to the author."""
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            token = secrets.token_urlsafe(32)
            proposal = Proposal(
                number=next_number(timezone.localdate(now).year),
                token_hash=hash_token(token),
                author_name=author_name.strip(),
                email=email.strip(),
                phone=phone.strip(),
                submitted_ip=ip,
                consent_version=conf.consent_version(),
                consent_at=now,
                consent_ip=ip,
                author_role=author_role,
                organization=organization,
                category=category,
                text=text.strip(),
                publish_consent=publish_consent,
                created_at=now,
                due_date=timezone.localdate(now) + timedelta(days=conf.answer_days()),
            )
            # Uniqueness and the number format are the database's job (constraints):
            # checking them here would only cost queries on the busiest path.
            proposal.full_clean(validate_unique=False, validate_constraints=False)
            proposal.save()
            for item in files:
                attachment = ProposalAttachment(
                    proposal=proposal,
                    original_name=item.name[:200],
                    content_type=item.content_type,
                    size=item.size,
                )
                attachment.file.save(item.name, item.content, save=False)
                saved_files.append(attachment.file.name)
                attachment.save()
            _mail_author(
                proposal,
                "submitted.txt",
                gettext("Your proposal %(number)s has been received") % {"number": proposal.number},
                status_url=status_url(token),
            )
            return Submitted(proposal=proposal, token=token)
    except BaseException:
        # The rows are rolled back; the files were written outside the database.
        storage = ProposalAttachment._meta.get_field("file").storage
        for name in saved_files:
            storage.delete(name)
        raise


def proposal_register(*, actor, proposal: Proposal) -> Proposal:
    """The office has checked the proposal: it is registered and the clock runs."""

    def change(p: Proposal) -> None:
        p.registered_at = timezone.now()

    return _proposal_transition(proposal, "register", actor=actor, change=change)


def proposal_take_in_work(*, actor, proposal: Proposal, assignee=None) -> Proposal:
    """Someone in the office works on the proposal now (the actor, unless named)."""

    def change(p: Proposal) -> None:
        if p.registered_at is None:
            p.registered_at = timezone.now()
        p.assignee = assignee or p.assignee or actor

    return _proposal_transition(proposal, "take_in_work", actor=actor, change=change)


@transaction.atomic
def proposal_update_triage(
    *, actor, proposal: Proposal, assignee=None, internal_notes: str = "", organization=None, category: str = ""
) -> Proposal:
    """The office's working fields: assignee, notes, the organisation and category as corrected."""
    locked = lock(proposal)
    require(actor, CHANGE, locked)
    locked.assignee = assignee
    locked.internal_notes = internal_notes
    locked.organization = organization
    if category:
        locked.category = category
    locked.full_clean()
    locked._history_user = actor
    locked.save()
    return locked


def proposal_answer(*, actor, proposal: Proposal, answer: str, publish: bool = False, status_url: str = "") -> Proposal:
    """Answer the author: the answer is e-mailed and shown on the status page;
    published on «Мы ответили» only when the author agreed to publication."""

    def check(p: Proposal) -> None:
        if not (answer or "").strip():
            raise ValidationError({"answer": _("Write the answer.")})

    def change(p: Proposal) -> None:
        now = timezone.now()
        p.answer = answer.strip()
        p.answered_at = now
        p.closed_at = now
        p.registered_at = p.registered_at or now
        p.published = bool(publish and p.publish_consent)

    return _proposal_transition(proposal, "answer", actor=actor, check=check, change=change, status_url=status_url)


def proposal_set_published(*, actor, proposal: Proposal, published: bool) -> Proposal:
    """Show or hide an answered proposal on «Мы ответили»; showing needs the author's consent."""

    def check(p: Proposal) -> None:
        if published and not p.publish_consent:
            raise ValidationError(_("The author did not agree to publication."))

    def change(p: Proposal) -> None:
        p.published = published

    return _proposal_transition(
        proposal, "publish" if published else "unpublish", actor=actor, check=check, change=change
    )


def proposal_reject(
    *, actor, proposal: Proposal, reason: str, comment: str = "", duplicate_of_number: str = "", status_url: str = ""
) -> Proposal:
    """Close the proposal without an answer: spam, a duplicate of РВ-…, or off topic."""
    found: dict[str, Proposal | None] = {"duplicate_of": None}

    def check(p: Proposal) -> None:
        if reason not in RejectReason.values:
            raise ValidationError({"reason": _("Choose the reason for rejection.")})
        if reason == RejectReason.DUPLICATE:
            found["duplicate_of"] = Proposal.objects.filter(number=duplicate_of_number.strip()).exclude(pk=p.pk).first()
            if found["duplicate_of"] is None:
                raise ValidationError(
                    {"duplicate_of_number": _("Give the registration number of the proposal this one repeats.")}
                )

    def change(p: Proposal) -> None:
        p.reject_reason = reason
        p.reject_comment = comment.strip()
        p.duplicate_of = found["duplicate_of"]
        p.closed_at = timezone.now()

    return _proposal_transition(
        proposal,
        "reject",
        actor=actor,
        check=check,
        change=change,
        reason=f"reject: {reason}",
        status_url=status_url,
        write=reason != RejectReason.SPAM,  # never write back to a spammer
    )


def create_draft_project(*, actor, organization, title: str, problem: str = ""):
    """The one place that makes a project from a proposal: through the projects
    app's own service, so its checks and history apply; the proposal's text
    becomes the project's problem statement."""
    from projects.services import project_create_draft

    return project_create_draft(actor=actor, organization=organization, title=title[:500], problem=problem)


def proposal_convert(*, actor, proposal: Proposal, organization, title: str, status_url: str = "") -> Proposal:
    """Turn the proposal into a draft lean project of ``organization``, linked both ways."""
    title = (title or "").strip()

    def check(p: Proposal) -> None:
        if organization is None or not title:
            raise ValidationError(_("Choose the organisation and give the project a title."))

    def change(p: Proposal) -> None:
        now = timezone.now()
        p.project = create_draft_project(actor=actor, organization=organization, title=title, problem=p.text)
        p.closed_at = now
        p.registered_at = p.registered_at or now

    return _proposal_transition(proposal, "convert", actor=actor, check=check, change=change, status_url=status_url)


def overdue_digest_send(*, actor=None, today=None) -> int:
    """E-mail the office the list of overdue proposals; returns how many."""
    today = today or timezone.localdate()
    overdue = list(
        Proposal.objects.overdue(today).select_related("organization", "assignee").order_by("due_date", "number")
    )
    if not overdue:
        return 0
    body = render_to_string("proposals/email/overdue_digest.txt", {"proposals": overdue, "today": today})
    with transaction.atomic():
        queue_email(
            to=conf.office_email(),
            subject=gettext("Overdue proposals: %(count)s") % {"count": len(overdue)},
            body=body,
        )
    return len(overdue)


def _forget_mail_and_files(proposal: Proposal) -> None:
    """Drop what the proposal left outside its row: the e-mails to its author
    in the outbox (address and text, sent or not) and its attachment files."""
    if proposal.email:
        OutgoingEmail.objects.filter(to__iexact=proposal.email, subject__contains=proposal.number).delete()
    for attachment in proposal.attachments.all():
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        # The file goes only once the rows are gone for good.
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


@transaction.atomic
def proposal_delete(*, actor, proposal: Proposal) -> None:
    """Delete a proposal for good (a portal administrator's right): its row,
    its e-mails in the outbox and its files."""
    proposal = lock(proposal)
    require(actor, DELETE, proposal)
    _forget_mail_and_files(proposal)
    proposal._change_reason = "delete"
    # the history row of the deletion names who deleted it, also from a command
    proposal._history_user = actor
    proposal.delete()


@transaction.atomic
def proposals_anonymize(*, actor=None, older_than_days: int | None = None, now=None) -> int:
    """Remove name, e-mail, phone, IP addresses and attachments of closed
    proposals closed more than ``older_than_days`` ago; returns how many."""
    days = conf.anonymize_after_days() if older_than_days is None else older_than_days
    now = now or timezone.now()
    rows = Proposal.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=now - timedelta(days=days), anonymized_at__isnull=True
    )
    count = 0
    for proposal in rows.select_for_update():
        _forget_mail_and_files(proposal)
        proposal.author_name = ""
        proposal.email = ""
        proposal.phone = ""
        proposal.submitted_ip = None
        proposal.consent_ip = None
        proposal.anonymized_at = now
        proposal._change_reason = "anonymize"
        proposal.save()
        count += 1
    return count
