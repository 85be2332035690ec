"""run_periodic: every scheduled job run against the demo data, and the
task result of a mail that failed says so."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from leanedu.mail import queue_email
from leanedu.models import OutgoingEmail
from proposals.models import Proposal, Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-123")
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_ROOT = tmp_path / "backups"
    settings.OFFICE_EMAIL = "office@troitsk.example"
    call_command("seed_demo", quiet_accounts=True)
    mail.outbox.clear()
    return settings


def run(capsys, *args) -> str:
    call_command("run_periodic", *args)
    return capsys.readouterr().out


def test_every_job_has_a_schedule(capsys):
    listing = run(capsys, "--list")
    for name in ("mail", "sessions", "task_results", "outbox", "anonymize", "backup", "digest", "indicator_reminders"):
        assert name in listing


def test_frequent_retries_failed_mail_with_back_off(demo, capsys):
    demo.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    demo.EMAIL_HOST, demo.EMAIL_PORT, demo.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on port 9
    with transaction.atomic():
        queue_email(to="parent@example.org", subject="Ответ на предложение", body="Текст")
    stored = OutgoingEmail.objects.get(subject="Ответ на предложение")
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert stored.next_attempt_at > timezone.now()

    demo.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert "sent 0" in run(capsys, "frequent")  # the next attempt is not due yet
    OutgoingEmail.objects.filter(pk=stored.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert "sent 1" in run(capsys, "frequent")
    stored.refresh_from_db()
    assert stored.status == OutgoingEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Ответ на предложение"]


def test_nightly_cleans_up_anonymises_and_backs_up(demo, capsys):
    now = timezone.now()
    old_sent = OutgoingEmail.objects.create(
        to="a@example.org",
        subject="старое",
        body="…",
        status=OutgoingEmail.Status.SENT,
        sent_at=now - timedelta(days=90),
    )
    recent_sent = OutgoingEmail.objects.create(
        to="b@example.org", subject="свежее", body="…", status=OutgoingEmail.Status.SENT, sent_at=now
    )
    Session.objects.create(session_key="x" * 32, session_data="e30:", expire_date=now - timedelta(days=1))
    closed = Proposal.objects.filter(status__in=[Status.ANSWERED, Status.REJECTED, Status.CONVERTED]).first()
    assert closed is not None, "the demo data has closed proposals"
    Proposal.objects.filter(pk=closed.pk).update(closed_at=now - timedelta(days=4000))
    stale_backup = demo.BACKUP_ROOT / (timezone.localtime(now - timedelta(days=60)).strftime("%Y%m%d-%H%M%S"))
    stale_backup.mkdir(parents=True)

    out = run(capsys, "nightly")

    assert "FAILED" not in out
    assert not OutgoingEmail.objects.filter(pk=old_sent.pk).exists()
    assert OutgoingEmail.objects.filter(pk=recent_sent.pk).exists()
    assert not Session.objects.filter(session_key="x" * 32).exists()
    closed.refresh_from_db()
    assert closed.anonymized_at is not None and closed.email == ""
    backups = list(demo.BACKUP_ROOT.iterdir())
    assert len(backups) == 1 and backups[0] != stale_backup
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o700
    # the order: anonymisation before the backup, so the backup no longer holds it
    assert out.index("anonymize:") < out.index("backup:")


def test_morning_sends_the_overdue_digest(demo, capsys):
    Proposal.objects.filter(pk=Proposal.objects.open().first().pk).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    out = run(capsys, "morning")
    assert "digest:" in out
    assert any(m.to == ["office@troitsk.example"] for m in mail.outbox)


def test_task_results_are_pruned(demo, settings, capsys):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        queue_email(to="office@example.org", subject="Новое предложение", body="…")
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=60))
    run(capsys, "--job", "task_results")
    assert not DBTaskResult.objects.exists()


def test_a_failed_mail_is_a_failed_task_and_shown_in_the_outbox(settings, office_admin, client):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with transaction.atomic():
        queue_email(to="parent@example.org", subject="Ответ", body="…")
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    # the task's result no longer says «successful» for a mail that was not sent
    assert DBTaskResult.objects.get().status == "FAILED"
    client.force_login(office_admin)
    page = client.get("/admin/leanedu/outgoingemail/").content.decode()
    assert "Ждёт отправки" in page or "Ожидает отправки" in page


def test_an_unknown_job_is_refused():
    with pytest.raises(CommandError, match="unknown job"):
        call_command("run_periodic", "--job", "nope")
