"""A database outage gives a clean 503 page, not a traceback."""

from __future__ import annotations

import logging

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.response import SimpleTemplateResponse

logger = logging.getLogger(__name__)


def unavailable_response():
    response = SimpleTemplateResponse("503.html", status=503)
    response["Retry-After"] = "30"
    return response.render()


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, but a database that goes away while the session is being
    saved gives the clean 503 page, not a 500 with a traceback."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (OperationalError, InterfaceError) as exc:
            logger.error("database unavailable while saving the session: %s", exc.__class__.__name__)
            return unavailable_response()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            logger.error("database unavailable while serving %s: %s", request.path, exception.__class__.__name__)
            return unavailable_response()
        return None
