"""gunicorn's defaults fit the documented number of app servers into
PostgreSQL's default connection limit, and each instance has its own control socket."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def gunicorn_conf(monkeypatch, **env) -> dict:
    for key in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    namespace: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return namespace


def test_the_documented_servers_fit_max_connections(monkeypatch):
    conf = gunicorn_conf(monkeypatch)
    per_server = conf["workers"] * conf["threads"] + 1 + 2  # + task worker + periodic job with pg_dump
    docs = (ROOT / "docs" / "deploy.md").read_text()
    servers = int(re.search(r"= \*\*(\d+) app servers\*\*", docs).group(1))
    assert f"| **total** | **{per_server}** |" in docs
    # 3 connections reserved for superusers, 7 kept for migrate, psql and monitoring
    assert servers * per_server + 3 + 7 <= 100
    assert (servers + 1) * per_server + 3 + 7 > 100  # the documented number is the real limit


def test_two_instances_have_separate_control_sockets(monkeypatch):
    first = gunicorn_conf(monkeypatch, GUNICORN_BIND="127.0.0.1:8000")["control_socket"]
    second = gunicorn_conf(monkeypatch, GUNICORN_BIND="127.0.0.1:8001")["control_socket"]
    assert first != second
    assert first.endswith("gunicorn-127.0.0.1-8000.ctl")
    assert len(first.encode()) < 108 or "GUNICORN_CONTROL_SOCKET" in (ROOT / "docs" / "deploy.md").read_text()
