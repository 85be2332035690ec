"""Settings of the registry, with their defaults."""

from __future__ import annotations

from django.conf import settings


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


# Longest text kept from one document's files: a tsvector must stay under 1 MB.
FILE_TEXT_MAX_CHARS = 400_000

PAGE_SIZE = 20
