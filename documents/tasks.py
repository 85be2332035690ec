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
