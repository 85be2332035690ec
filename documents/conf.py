"""Settings of the registry, with their defaults."""

from __future__ import annotations

# Longest text kept from one document's files: a tsvector must stay under 1 MB.
FILE_TEXT_MAX_CHARS = 400_000

PAGE_SIZE = 20
