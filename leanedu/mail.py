"""E-mail through an outbox: queue in the caller's transaction, deliver by a
task after commit, retry what failed.

With the immediate task backend (development, tests) delivery happens right
after the commit in the same process; with the database backend
(production) a worker sends it. Either way the row is saved first."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from leanedu.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # with the back-off below: about two days of retrying


def absolute_url(path: str) -> str:
    """A link for an e-mail: the portal's address as its users reach it
    (SITE_URL) followed by ``path``. Every link in every e-mail is built here,
    never from the request that happened to trigger the mail."""
    return settings.SITE_URL.rstrip("/") + path


def queue_email(*, to: str | list[str], subject: str, body: str) -> list[OutgoingEmail]:
    """Save one outbox row per recipient and deliver each after commit."""
    recipients = [to] if isinstance(to, str) else list(to)
    mails = [
        OutgoingEmail.objects.create(to=address, subject=subject[:300], body=body) for address in recipients if address
    ]
    for mail in mails:
        transaction.on_commit(lambda pk=mail.pk: _enqueue(pk))
    return mails


def _enqueue(mail_id: int) -> None:
    try:
        deliver_email.enqueue(mail_id)
    except Exception:  # the queue itself is down: send_pending_mail picks it up
        logger.exception("could not enqueue e-mail %s", mail_id)


@task()
def deliver_email(mail_id: int) -> bool:
    return deliver(mail_id)


def deliver(mail_id: int) -> bool:
    """Try to send one pending e-mail; on failure schedule the next attempt."""
    with transaction.atomic():
        mail = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=OutgoingEmail.Status.PENDING)
            .first()
        )
        if mail is None:
            return False
        mail.attempts += 1
        try:
            send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to], fail_silently=False)
        except Exception as exc:
            # The address is personal data: log the row id, not the recipient.
            logger.warning("e-mail %s not sent (attempt %s): %s", mail.pk, mail.attempts, exc.__class__.__name__)
            mail.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = OutgoingEmail.Status.FAILED
            else:
                mail.next_attempt_at = timezone.now() + timedelta(minutes=2 ** min(mail.attempts, 10))
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        mail.status = OutgoingEmail.Status.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        mail.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return True


def deliver_pending(*, limit: int = 500, include_not_due: bool = False) -> tuple[int, int]:
    """Send pending e-mails whose next attempt is due; returns (sent, still pending)."""
    due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING)
    if not include_not_due:
        now = timezone.now()
        due = due.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    sent = sum(deliver(pk) for pk in due.order_by("created_at").values_list("pk", flat=True)[:limit])
    return sent, OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count()
