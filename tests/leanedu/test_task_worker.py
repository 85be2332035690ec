"""In production, tasks go through the database queue and a worker runs them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from leanedu.mail import queue_email
from leanedu.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    # django-tasks drops its cached backends when TASKS changes (setting_changed).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_mail_waits_in_the_queue_until_the_worker_runs(database_queue):
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        queue_email(to="office@example.org", subject="Новое предложение", body="РВ-2026-00001")
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    assert [m.subject for m in mail.outbox] == ["Новое предложение"]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_the_task_row_is_written_in_the_same_transaction_as_the_mail(database_queue):
    # One commit for the request, and a rolled-back write leaves neither the
    # e-mail nor a task that would look for it.
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        queue_email(to="office@example.org", subject="Новое предложение", body="РВ-2026-00002")
        assert DBTaskResult.objects.count() == 1  # before the commit: no on_commit hook needed
        transaction.set_rollback(True)
    assert DBTaskResult.objects.count() == 0
    assert not OutgoingEmail.objects.exists()
