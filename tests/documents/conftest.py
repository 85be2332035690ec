"""Fixtures of the registry's tests."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.documents.factories import docx_bytes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_files(media_root):
    """The files that landed in storage."""

    def listing():
        return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []

    return listing


@pytest.fixture
def docx_upload():
    def make(*paragraphs: str, name: str = "документ.docx"):
        return SimpleUploadedFile(name, docx_bytes(*paragraphs), content_type="application/octet-stream")

    return make
