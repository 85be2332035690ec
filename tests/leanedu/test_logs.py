"""Logs never hold a status link's secret, and name the visitor, not the proxy."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings as django_settings
from gunicorn.config import Config

from leanedu.logmask import AccessLogger, MaskStatusTokens

TOKEN = "Zx9_secretTOKENvalue-0123456789abcdefghijkl"


def access_line(environ: dict, fmt: str | None = None) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    if fmt:
        cfg.set("access_log_format", fmt)
    logger = AccessLogger(cfg)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logger.access_log.handlers = [Keep()]
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    base = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": ""}
    logger.access(response, [], {**base, **environ}, timedelta(milliseconds=12))
    return records[0]


def test_the_access_log_masks_the_status_token(settings):
    settings.BEHIND_PROXY = False
    path = f"/proposals/status/{TOKEN}/"
    line = access_line(
        {
            "RAW_URI": path,
            "PATH_INFO": path,
            "REMOTE_ADDR": "203.0.113.7",
            "HTTP_REFERER": f"https://lean.example/proposals/status/{TOKEN}/",
        },
        fmt='%(h)s "%(r)s" %(U)s "%(f)s" %(s)s',
    )
    assert TOKEN not in line
    assert "/proposals/status/***/" in line
    assert line.startswith("203.0.113.7 ")


def test_the_access_log_names_the_visitor_behind_the_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    line = access_line(
        {"RAW_URI": "/", "PATH_INFO": "/", "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
    )
    assert line.startswith("203.0.113.7 ")


def test_django_log_messages_are_masked_too():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/proposals/status/{TOKEN}/",), None
    )
    MaskStatusTokens().filter(record)
    assert TOKEN not in record.getMessage()
    assert "mask_tokens" in django_settings.LOGGING["handlers"]["console"]["filters"]


def test_gunicorn_uses_the_masking_logger():
    from pathlib import Path

    conf = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    namespace: dict = {"__file__": str(conf)}
    exec(compile(conf.read_text(), str(conf), "exec"), namespace)
    assert namespace["logger_class"] == "leanedu.logmask.AccessLogger"
