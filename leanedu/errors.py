"""The site's error pages and how refused requests are logged.

400, 403, 404 and 429 are pages of the site (its layout, Russian text, a way
back); 500 and 503 stay plain HTML that renders without a database. A refused
request (any 4xx) is logged as one line: Django attaches the exception's
traceback to those log records, which says nothing about a request we meant
to refuse and buries real errors."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _page(request, template: str, status: int, **context):
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    return _page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """An expired or missing form token: the same 403 page, with what to do."""
    return _page(request, "403.html", 403, csrf=True)


def not_found(request, exception=None):
    return _page(request, "404.html", 404)


def too_many_requests(request, exception=None):
    return _page(request, "429.html", 429)


def locked_out(request, response=None, credentials=None):
    """django-axes' answer once an account and address are locked out (its
    AXES_LOCKOUT_CALLABLE): the site's 429 page, saying why."""
    return _page(request, "429.html", 429, locked_out=True)


def server_error(request):
    # No context processors here: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


class OneLineRefusals(logging.Filter):
    """Drop the traceback from log records of refused requests (status < 500),
    so a 403 or a 400 is one line; server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
