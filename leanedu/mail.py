"""E-mail through an outbox: queue in the caller's transaction, deliver by a
task after commit, retry what failed.

With the immediate task backend (tests) delivery happens right after the
commit in the same process; with the database backend (the default) the task
row is written in the caller's transaction, beside the e-mail, and a worker
sends it. Either way the row is saved first.

A secret part of a message (a proposal's status link) never lies in the
outbox in plain text: the body holds ``SECRET_PLACEHOLDER`` where it goes, the
row holds the secret encrypted (Fernet, with a key derived from SECRET_KEY and
its fallbacks), delivery puts it back into the sent text and then erases it.
A copy of the database, or the admin's outbox page, shows no working link."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from leanedu.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # with the back-off below: about two days of retrying

#: Where the secret part goes in a queued body.
SECRET_PLACEHOLDER = "[[secret]]"


def _fernet() -> MultiFernet:
    """Fernet keys derived from SECRET_KEY (first) and SECRET_KEY_FALLBACKS, so
    mail queued before a key rotation is still delivered."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac("leanedu.mail.outbox", "fernet", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt_secret(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def shown_body(mail: OutgoingEmail) -> str:
    """The text as the outbox shows it: the secret part named, never given."""
    from django.utils.translation import gettext

    if mail.status == OutgoingEmail.Status.SENT:
        hidden = gettext("[the personal link was sent to the recipient and is not kept]")
    else:
        hidden = gettext("[the personal link is kept encrypted until it is sent]")
    return mail.body.replace(SECRET_PLACEHOLDER, hidden)


def absolute_url(path: str) -> str:
    """A link for an e-mail: the portal's address as its users reach it
    (SITE_URL) followed by ``path``. Every link in every e-mail is built here,
    never from the request that happened to trigger the mail."""
    return settings.SITE_URL.rstrip("/") + path


def queue_email(*, to: str | list[str], subject: str, body: str, secret: str = "") -> list[OutgoingEmail]:
    """Save one outbox row per recipient and deliver each after commit. A
    ``secret`` goes where ``body`` has SECRET_PLACEHOLDER and is stored only
    encrypted."""
    recipients = [to] if isinstance(to, str) else list(to)
    if secret and SECRET_PLACEHOLDER not in body:
        raise ValueError("a secret needs SECRET_PLACEHOLDER in the body")
    encrypted = encrypt_secret(secret)
    mails = [
        OutgoingEmail.objects.create(to=address, subject=subject[:300], body=body, secret=encrypted)
        for address in recipients
        if address
    ]
    if _queue_in_this_database():
        # The task row is written in the caller's transaction: it commits (or
        # rolls back) with the e-mail, and the request pays one commit, not two.
        # The worker cannot see it before the commit.
        for mail in mails:
            deliver_email.enqueue(mail.pk)
    else:
        for mail in mails:
            transaction.on_commit(lambda pk=mail.pk: _enqueue(pk))
    return mails


def _queue_in_this_database() -> bool:
    """Tasks go to django-tasks-db's table, in the database the outbox is in."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(deliver_email.get_backend(), DatabaseBackend)


def _enqueue(mail_id: int) -> None:
    try:
        deliver_email.enqueue(mail_id)
    except Exception:  # the queue itself is down: send_pending_mail picks it up
        logger.exception("could not enqueue e-mail %s", mail_id)


class MailNotSent(Exception):
    """Raised by the task when the mail server refused: the task's result then
    says «failed» in the admin; the outbox row keeps the retry schedule."""


@task()
def deliver_email(mail_id: int) -> bool:
    if deliver(mail_id) is False:
        raise MailNotSent(f"e-mail {mail_id} not sent; retried by run_periodic frequent")
    return True


def deliver(mail_id: int) -> bool | None:
    """Try to send one pending e-mail; on failure schedule the next attempt.
    True: sent; False: the mail server refused; None: nothing to send (sent
    already, given up, or another process has it)."""
    with transaction.atomic():
        mail = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=OutgoingEmail.Status.PENDING)
            .first()
        )
        if mail is None:
            return None
        mail.attempts += 1
        try:
            body = mail.body
            if SECRET_PLACEHOLDER in body:
                body = body.replace(SECRET_PLACEHOLDER, decrypt_secret(mail.secret))
            send_mail(mail.subject, body, settings.DEFAULT_FROM_EMAIL, [mail.to], fail_silently=False)
        except InvalidToken:
            # Encrypted under a secret key that is gone (not in SECRET_KEY_FALLBACKS):
            # the link cannot be recovered, so the message is not sent half-empty.
            logger.error("e-mail %s: its secret part cannot be decrypted with the current keys", mail.pk)
            mail.status = OutgoingEmail.Status.FAILED
            mail.last_error = "InvalidToken: secret key changed"
            mail.save(update_fields=["attempts", "last_error", "status"])
            return False
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
        mail.secret = ""  # delivered: the outbox keeps no working link
        mail.save(update_fields=["attempts", "last_error", "status", "sent_at", "secret"])
        return True


def deliver_pending(*, limit: int = 500, include_not_due: bool = False) -> tuple[int, int]:
    """Send pending e-mails whose next attempt is due; returns (sent, still pending)."""
    due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING)
    if not include_not_due:
        now = timezone.now()
        due = due.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    sent = sum(1 for pk in due.order_by("created_at").values_list("pk", flat=True)[:limit] if deliver(pk))
    return sent, OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count()
