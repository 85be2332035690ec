"""A restore keeps the promises made since the backup: no registration number
is issued twice, mail waiting in the backup is not sent twice, and it runs
without a terminal when told --yes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from leanedu.mail import queue_email
from leanedu.models import OutgoingEmail
from proposals.models import Proposal
from proposals.services import proposal_submit

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def submit(n: int) -> str:
    return proposal_submit(
        author_name=f"Автор {n}",
        email=f"author{n}@example.org",
        author_role="parent",
        category="food",
        text=f"Предложение номер {n}: меню на неделю вперёд.",
    ).proposal.number


@pytest.fixture
def folders(settings, tmp_path):
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def backup(folders) -> Path:
    call_command("backup", output=str(folders / "backups"))
    (folder,) = (folders / "backups").iterdir()
    return folder


def test_a_restore_after_new_proposals_issues_no_number_twice(folders):
    year = timezone.localdate().year
    before = [submit(1), submit(2)]
    folder = backup(folders)
    after_backup = [submit(3), submit(4)]  # numbers sent to people, then lost by the restore
    assert after_backup == [f"РВ-{year}-00003", f"РВ-{year}-00004"]

    call_command("restore", str(folder), yes=True)

    assert sorted(Proposal.objects.values_list("number", flat=True)) == before
    issued = set(before) | set(after_backup)
    new = submit(5)
    assert new not in issued
    assert new == f"РВ-{year}-00005"


def test_mail_waiting_in_the_backup_is_not_sent_twice(folders, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # refused
    with transaction.atomic():
        (waiting,) = queue_email(to="parent@example.org", subject="Ответ на предложение", body="…")
        (never_sent,) = queue_email(to="other@example.org", subject="Ещё письмо", body="…")
    assert OutgoingEmail.objects.get(pk=waiting.pk).status == OutgoingEmail.Status.PENDING
    folder = backup(folders)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    call_command("send_pending_mail", "--all")
    assert len(mail.outbox) == 2
    # one of them is still waiting on the live server when the restore comes
    OutgoingEmail.objects.filter(pk=never_sent.pk).update(status=OutgoingEmail.Status.PENDING, sent_at=None)
    mail.outbox.clear()

    call_command("restore", str(folder), yes=True)

    assert OutgoingEmail.objects.get(pk=waiting.pk).status == OutgoingEmail.Status.SENT
    assert OutgoingEmail.objects.get(pk=never_sent.pk).status == OutgoingEmail.Status.PENDING
    call_command("send_pending_mail", "--all")
    assert [m.to for m in mail.outbox] == [["other@example.org"]]


def test_restore_without_a_terminal(folders, monkeypatch):
    import io

    folder = backup(folders)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # cron, CI, a pipe: no terminal
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder))
    with pytest.raises(CommandError, match="not a backup folder"):
        call_command("restore", str(folders / "nowhere"), yes=True)


def test_make_restore_without_a_terminal_ends_cleanly(tmp_path):
    fake = tmp_path / "20260101-000000"
    fake.mkdir()
    (fake / "db.dump").write_bytes(b"")
    for args in (["restore", f"BACKUP={fake}"], ["restore"]):
        result = subprocess.run(
            ["make", "--no-print-directory", *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert "Traceback" not in result.stderr + result.stdout
        assert "BACKUP" in result.stderr or "--yes" in result.stderr, result.stderr
