"""Cursor pagination: a page follows from the last row of the previous one,
so a page costs the same at the end of a long list as at its start (no
OFFSET, no COUNT) and rows added meanwhile do not shift pages."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-pk"
