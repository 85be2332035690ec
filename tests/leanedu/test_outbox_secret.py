"""No readable status links at rest: the outbox keeps a proposal's status link
encrypted until delivery and forgets it after; the delivered letter has it; the
admin's outbox page never shows it."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from leanedu.mail import SECRET_PLACEHOLDER, decrypt_secret, deliver
from leanedu.models import OutgoingEmail
from proposals.models import AuthorRole, Category
from proposals.services import proposal_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://portal.example"


def submit():
    return proposal_submit(
        author_name="Анна Петрова",
        email="anna@example.org",
        author_role=AuthorRole.PARENT,
        category=Category.LEARNING,
        text="Сделать запись в кружки через портал",
    )


def raw_row(pk: int) -> str:
    """The row as a copy of the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM leanedu_outgoingemail WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_after_delivery_only_the_letter_has_the_link(client, office_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit()
    link = f"https://portal.example/proposals/status/{submitted.token}/"
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert link in mail.outbox[0].body  # the author gets a working link

    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.SENT and row.secret == ""
    stored = raw_row(row.pk)
    assert submitted.token not in stored and "/proposals/status/" not in stored

    client.force_login(office_admin)
    for url in (
        reverse("admin:leanedu_outgoingemail_changelist"),
        reverse("admin:leanedu_outgoingemail_change", args=[row.pk]),
    ):
        html = client.get(url).content.decode()
        assert submitted.token not in html and "/proposals/status/" not in html
    html = client.get(reverse("admin:leanedu_outgoingemail_change", args=[row.pk])).content.decode()
    assert "не хранится" in html  # the page says where the link was
    assert submitted.proposal.number in html


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_before_delivery_the_link_is_only_stored_encrypted(client, office_admin, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    submitted = submit()  # no commit in the test transaction: the letter waits in the outbox
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.PENDING
    assert SECRET_PLACEHOLDER in row.body
    stored = raw_row(row.pk)
    assert submitted.token not in stored and "/proposals/status/" not in stored
    assert decrypt_secret(row.secret).endswith(f"/proposals/status/{submitted.token}/")

    client.force_login(office_admin)
    html = client.get(reverse("admin:leanedu_outgoingemail_change", args=[row.pk])).content.decode()
    assert submitted.token not in html and row.secret not in html
    assert "зашифрован" in html

    assert deliver(row.pk) is False  # the server is down: still encrypted after a failed attempt
    row.refresh_from_db()
    assert row.secret and submitted.token not in raw_row(row.pk)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(row.pk) is True
    assert submitted.token in mail.outbox[0].body
    row.refresh_from_db()
    assert row.secret == "" and submitted.token not in raw_row(row.pk)


def test_a_letter_queued_under_an_old_key_is_sent_after_rotation(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    submitted = submit()
    row = OutgoingEmail.objects.get()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(row.pk) is True
    assert submitted.token in mail.outbox[0].body
