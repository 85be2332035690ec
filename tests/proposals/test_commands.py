"""send_overdue_digest, anonymize_proposals, the public «Мы ответили» page, demo data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from proposals.models import Proposal, ProposalAttachment, RejectReason, Status
from proposals.services import proposal_answer, proposal_reject
from tests.proposals.factories import ProposalFactory, png_bytes

pytestmark = pytest.mark.django_db


def test_overdue_digest_goes_to_the_office(settings, django_capture_on_commit_callbacks, office):
    settings.OFFICE_EMAIL = "office@troitsk.example"
    today = timezone.localdate()
    late = ProposalFactory(due_date=today - timedelta(days=2))
    ProposalFactory(due_date=today + timedelta(days=5))
    answered_late = ProposalFactory(due_date=today - timedelta(days=2))
    proposal_answer(actor=office, proposal=answered_late, answer="Ответ")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_overdue_digest")
    (message,) = mail.outbox
    assert message.to == ["office@troitsk.example"]
    assert late.number in message.body and answered_late.number not in message.body
    assert late.email not in message.body and late.author_name not in message.body


def test_no_digest_when_nothing_is_overdue(django_capture_on_commit_callbacks):
    ProposalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_overdue_digest")
    assert mail.outbox == []


def test_anonymize_removes_personal_data_of_old_closed_proposals(office, settings):
    old = ProposalFactory()
    attachment = ProposalAttachment(proposal=old, original_name="a.png", content_type="image/png", size=10)
    attachment.file.save("a.png", ContentFile(png_bytes()), save=False)
    attachment.save()
    path = Path(attachment.file.path)
    proposal_reject(actor=office, proposal=old, reason="off_topic")
    Proposal.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=3 * 365 + 1))
    recent = ProposalFactory()
    proposal_answer(actor=office, proposal=recent, answer="Ответ")
    still_open = ProposalFactory(created_at=timezone.now() - timedelta(days=4 * 365))

    call_command("anonymize_proposals")
    old.refresh_from_db()
    assert (old.author_name, old.email, old.phone, old.submitted_ip, old.consent_ip) == ("", "", "", None, None)
    assert old.anonymized_at is not None and old.number and old.text
    assert not old.attachments.exists()
    for other in (recent, still_open):
        other.refresh_from_db()
        assert other.email and other.anonymized_at is None
    assert path.exists()  # the file goes only after commit (next test)


def test_anonymize_deletes_the_files_after_commit(office, django_capture_on_commit_callbacks):
    old = ProposalFactory()
    attachment = ProposalAttachment(proposal=old, original_name="a.png", content_type="image/png", size=10)
    attachment.file.save("a.png", ContentFile(png_bytes()), save=False)
    attachment.save()
    path = Path(attachment.file.path)
    assert path.exists()
    proposal_answer(actor=office, proposal=old, answer="Ответ")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymize_proposals", "--days", "0")
    assert not path.exists()
    old.refresh_from_db()
    assert old.email == ""


def test_we_answered_page_shows_published_answers_without_names(client, office, school_a):
    shown = ProposalFactory(organization=school_a, publish_consent=True, text="Меню на неделю вперёд на сайте.")
    proposal_answer(actor=office, proposal=shown, answer="Меню публикуется.", publish=True)
    not_agreed = ProposalFactory(publish_consent=False, text="Не публиковать это предложение.")
    proposal_answer(actor=office, proposal=not_agreed, answer="Ответ без публикации.", publish=True)
    not_published = ProposalFactory(publish_consent=True, text="Офис решил не публиковать.")
    proposal_answer(actor=office, proposal=not_published, answer="Ответ", publish=False)
    ProposalFactory(publish_consent=True, text="Ещё без ответа.")

    html = client.get("/proposals/answered/").content.decode()
    assert "Меню на неделю вперёд на сайте." in html and "Меню публикуется." in html
    assert school_a.short_name in html and "Питание" in html
    for hidden in ("Не публиковать", "Офис решил", "Ещё без ответа", shown.author_name, shown.email, "111-22-33"):
        assert hidden not in html


def test_demo_seed_is_idempotent_and_covers_every_status():
    from django.core.management import call_command as cc

    cc("seed_demo", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    count = Proposal.objects.count()
    assert 18 <= count <= 25
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Status.values)
    assert Proposal.objects.published_answers().exists()
    cc("seed_demo", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Proposal.objects.count() == count


def test_anonymize_also_clears_the_outbox_and_the_files(office, django_capture_on_commit_callbacks):
    from leanedu.mail import queue_email
    from leanedu.models import OutgoingEmail

    old = ProposalFactory(email="parent@example.org")
    attachment = ProposalAttachment(proposal=old, original_name="a.png", content_type="image/png", size=10)
    attachment.file.save("a.png", ContentFile(png_bytes()), save=False)
    attachment.save()
    path = Path(attachment.file.path)
    queue_email(to=old.email, subject=f"Ваше предложение {old.number} принято", body="Анна, ссылка …")
    # the same person's newer proposal is not anonymised, nor is its mail
    recent = ProposalFactory(email="parent@example.org")
    queue_email(to=recent.email, subject=f"Ваше предложение {recent.number} принято", body="…")
    proposal_reject(actor=office, proposal=old, reason=RejectReason.OFF_TOPIC)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymize_proposals", "--days", "0")
    assert not path.exists()
    old.refresh_from_db()
    assert old.anonymized_at is not None
    assert not OutgoingEmail.objects.filter(to__iexact="parent@example.org", subject__contains=old.number).exists()
    assert not OutgoingEmail.objects.filter(body__contains="Анна").exists()
    assert OutgoingEmail.objects.filter(subject__contains=recent.number).exists()
