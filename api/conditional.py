"""Conditional GET for the API and the open data files: an ``ETag`` computed
from the body, and 304 Not Modified when the client already has it. The
body is still built (it is the only honest version of the data: bulk writes
leave no trace in the history tables), but it is not sent again."""

from __future__ import annotations

import hashlib

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag


def etag_of(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest()[:40])


def conditional(request, response, *, last_modified=None):
    """Set ETag (and Last-Modified when known) on a 200 and answer 304 when the
    request's If-None-Match / If-Modified-Since says the client is current."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    response.headers["ETag"] = etag_of(response.content)
    if last_modified is not None:
        from django.utils.http import http_date

        response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    patch_vary_headers(response, ["Authorization"])
    return get_conditional_response(
        request,
        etag=response.headers["ETag"],
        last_modified=int(last_modified.timestamp()) if last_modified is not None else None,
        response=response,
    )


class ConditionalMixin:
    """For DRF views: every successful GET carries an ETag and may be a 304.
    A NUL character in the query string is a 400 here (PostgreSQL refuses
    it in any text, which would otherwise surface as a server error)."""

    def initial(self, request, *args, **kwargs):
        from rest_framework.exceptions import ParseError

        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise ParseError("NUL characters are not allowed in the query string.")
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response)
