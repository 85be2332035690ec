"""Background work of the registry (Django tasks API)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def extract_version_text(version_id: int) -> str:
    """Extract a file edition's text and refresh its document's search text.

    A file that cannot be read stays stored; the failure is logged and shown
    to staff as the edition's extraction status."""
    from documents.services import file_version_extract_text

    return file_version_extract_text(version_id=version_id)


@task()
def recognise_version_text(version_id: int) -> str:
    """Recognise a scanned edition's text (OCR) and refresh the search text.

    Runs in the task worker, never in a request: a page takes about a second
    of processor time, a long scan minutes."""
    from documents.services import file_version_recognise

    return file_version_recognise(version_id=version_id)
