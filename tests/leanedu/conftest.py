"""Fixtures of the kernel's tests."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back after it
    (a module that needs it fresh for each test defines its own ``demo``)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", quiet_accounts=True)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
