"""The outbox: mail goes out after commit; a broken mail server loses nothing."""

import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from leanedu.mail import queue_email
from leanedu.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_mail_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="parent@example.org", subject="Ваше предложение зарегистрировано", body="Номер РВ-2026-00001")
        assert mail.outbox == []  # nothing leaves before the commit
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue_email(to="parent@example.org", subject="x", body="y")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_a_broken_mail_server_keeps_the_mail_and_it_is_sent_later(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="parent@example.org", subject="Ответ на предложение", body="Текст ответа")
    stored = OutgoingEmail.objects.get()
    assert stored.status == OutgoingEmail.Status.PENDING
    assert stored.attempts == 1
    assert "ConnectionRefusedError" in stored.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    call_command("send_pending_mail", "--all")
    stored.refresh_from_db()
    assert stored.status == OutgoingEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Ответ на предложение"]
