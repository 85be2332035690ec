"""Secrets and addresses in logs.

The link ``/proposals/status/<token>/`` is a proposal's author's only key to
it: it never reaches a log, neither gunicorn's access log (``AccessLogger``,
set in gunicorn.conf.py) nor Django's own (``MaskStatusTokens`` on the log
handler; a mistyped link is a 404 that ``django.request`` logs with its
path). The access log's address is the visitor's, not the proxy's."""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

STATUS_TOKEN = re.compile(r"(/proposals/status/)[^/?#\s\"']+")
MASK = r"\1***"


def mask(text: str) -> str:
    return STATUS_TOKEN.sub(MASK, text)


class MaskStatusTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class AccessLogger(Logger):
    """gunicorn's logger with the token masked in every field (request line,
    path, referrer, headers) and ``%(h)s`` the visitor's address."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and "/status/" in value:
                atoms[key] = mask(value)
        try:
            from leanedu.client_ip import client_ip

            atoms["h"] = client_ip(environ) or "-"
        except Exception:  # settings not loaded (never in a worker): the socket's address
            pass
        return atoms
