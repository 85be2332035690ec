"""A database or cache (Redis: sessions) outage gives a clean 503 page, not
a traceback; the health check answers before anything else; control
characters in a request end in the site's 400 page, not a 500."""

from __future__ import annotations

import logging
import re

import psycopg2
from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import BadRequest, ObjectDoesNotExist, ValidationError
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


# No control character belongs in an address; in a query or a form value only
# tab, line feed and carriage return do (a pasted multi-line text). PostgreSQL
# refuses NUL in text outright, so without this check a %00 anywhere became a 500.
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_control(data, pattern) -> bool:
    return any(pattern.search(key) or any(pattern.search(v) for v in values) for key, values in data.lists())


class ControlCharactersMiddleware:
    """Refuse (400, the site's page) a request whose path, query string, form
    fields or cookies carry control characters. It runs before the session is
    read, so a hostile cookie never reaches the database either."""

    def __init__(self, get_response):
        self.get_response = get_response

    # The read API answers in JSON by its schema and refuses NUL itself
    # (api/conditional.py), so an HTML page from here would break its contract.
    exempt_prefix = "/api/"

    def __call__(self, request):
        if not request.path.startswith(self.exempt_prefix) and self._is_hostile(request):
            raise BadRequest("control characters in the request")
        return self.get_response(request)

    @staticmethod
    def _is_hostile(request) -> bool:
        if _PATH_CONTROL.search(request.path):
            return True
        if _has_control(request.GET, _VALUE_CONTROL):
            return True
        if any(_VALUE_CONTROL.search(k) or _VALUE_CONTROL.search(v) for k, v in request.COOKIES.items()):
            return True
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            return _has_control(request.POST, _VALUE_CONTROL)
        return False


def _is_lookup_conversion(exc: BaseException) -> bool:
    """A value from the URL that a model field could not convert for a lookup
    ("abc" for an id): Django raises it from the field's get_prep_value/to_python."""
    if not isinstance(exc, ValueError | TypeError | ValidationError):
        return False
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    code = tb.tb_frame.f_code
    return code.co_name in ("get_prep_value", "to_python") and "/django/db/models/fields/" in code.co_filename


class AdminBadInputMiddleware:
    """The admin and the libraries in it (history, import-export, OTP) look
    objects up straight from the URL and the query string; an id that is not
    a number, a missing object or an unknown filter there is the visitor's
    mistake: the site's 404 (or 400 for a filter), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from leanedu import errors

        if not request.path.startswith(self.prefix):
            return None
        if isinstance(exception, IncorrectLookupParameters):
            logger.warning("bad admin filter on %s: %s", request.path, exception.__class__.__name__)
            return errors.bad_request(request)
        if isinstance(exception, ObjectDoesNotExist) or _is_lookup_conversion(exception):
            logger.warning("admin lookup of a missing or malformed id on %s", request.path)
            return errors.not_found(request)
        return None
