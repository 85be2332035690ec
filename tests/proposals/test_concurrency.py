"""Registration numbers stay unique and consecutive when many submit at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from proposals.models import Proposal
from proposals.services import proposal_submit

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
PER_THREAD = 5


def test_numbers_are_unique_and_consecutive_under_concurrent_submissions():
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                proposal_submit(
                    author_name=f"Автор {n}-{i}",
                    email=f"a{n}-{i}@example.org",
                    author_role="parent",
                    category="food",
                    text=f"Параллельное предложение {n}-{i}",
                    ip=f"198.51.100.{n}",
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(Proposal.objects.values_list("number", flat=True))
    assert numbers == [f"РВ-{year}-{i:05d}" for i in range(1, THREADS * PER_THREAD + 1)]
    assert connection.vendor == "postgresql"


def test_numbers_restart_each_year():
    from django.db import transaction

    from proposals.services import next_number

    with transaction.atomic():
        assert next_number(2030) == "РВ-2030-00001"
        assert next_number(2030) == "РВ-2030-00002"
        assert next_number(2031) == "РВ-2031-00001"


def _submit_in_a_process(n: int, count: int, barrier) -> None:
    """Runs in a forked process with its own database connection."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.connection = None  # never reuse the parent's socket
    barrier.wait()
    try:
        for i in range(count):
            proposal_submit(
                author_name=f"Процесс {n}",
                email=f"p{n}-{i}@example.org",
                author_role="staff",
                category="timetable",
                text=f"Предложение из процесса {n}, номер {i}",
            )
    finally:
        connections.close_all()


def test_numbers_are_unique_and_consecutive_when_processes_submit_at_once():
    import multiprocessing

    processes_count, per_process = 4, 6
    connections.close_all()  # the children open their own connections
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(processes_count)
    processes = [
        ctx.Process(target=_submit_in_a_process, args=(n, per_process, barrier)) for n in range(processes_count)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join(60)
    assert [p.exitcode for p in processes] == [0] * processes_count
    year = timezone.localdate().year
    numbers = sorted(Proposal.objects.values_list("number", flat=True))
    assert numbers == [f"РВ-{year}-{i:05d}" for i in range(1, processes_count * per_process + 1)]
