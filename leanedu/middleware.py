"""A database or cache (Redis: sessions) outage gives a clean 503 page, not
a traceback; the health check answers before anything else."""

from __future__ import annotations

import logging

import psycopg2
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)
from django.template.response import SimpleTemplateResponse

logger = logging.getLogger(__name__)


def _cache_outage_classes() -> tuple[type[BaseException], ...]:
    classes: list[type[BaseException]] = []
    try:
        import redis.exceptions

        classes += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover
        pass
    try:
        from django_redis.exceptions import ConnectionInterrupted

        classes.append(ConnectionInterrupted)
    except ImportError:  # pragma: no cover
        pass
    return tuple(classes)


CACHE_OUTAGE = _cache_outage_classes()


def is_outage(exc: BaseException) -> bool:
    """A database or cache error that means "the server is not there", not a bug.

    psycopg2 reports some dropped connections as a bare DatabaseError or an
    InternalError ("no message from the libpq"); errors that point at the
    query or the data are never treated as an outage."""
    if CACHE_OUTAGE and isinstance(exc, CACHE_OUTAGE):
        return True  # Redis holds the sessions: nobody can sign in without it
    if isinstance(exc, OperationalError | InterfaceError | psycopg2.OperationalError | psycopg2.InterfaceError):
        # The driver's own classes too: rows fetched in chunks (QuerySet.iterator()
        # while a template renders) raise them unwrapped by Django.
        return True
    if isinstance(exc, DatabaseError):
        return not isinstance(exc, IntegrityError | ProgrammingError | DataError | NotSupportedError)
    if isinstance(exc, psycopg2.DatabaseError):
        return not isinstance(
            exc, psycopg2.IntegrityError | psycopg2.ProgrammingError | psycopg2.DataError | psycopg2.NotSupportedError
        )
    return False


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
        except (DatabaseError, psycopg2.DatabaseError, *CACHE_OUTAGE) as exc:
            if not is_outage(exc):
                raise
            logger.error("session store unavailable while saving the session: %s", exc.__class__.__name__)
            return unavailable_response()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            logger.error("service unavailable while serving %s: %s", request.path, exception.__class__.__name__)
            return unavailable_response()
        return None


class HealthCheckMiddleware:
    """First in the chain: ``/healthz`` is answered for any Host header (a
    balancer probes by address) and before any redirect or session work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            from leanedu.views import healthz

            return healthz(request)
        return self.get_response(request)
