"""gunicorn settings for production; each can be overridden by an environment
variable of the same name in upper case with a GUNICORN_ prefix.

Workers and threads: the portal's requests are Python work (pages, exports,
the proposal form), so processes, not threads, use the cores; nginx in front
buffers slow clients (docs/deploy.md), which is the set-up gunicorn's own
documentation gives for one thread per worker. Threads also slowed the public
proposal form: the yearly counter's row lock is held until the commit, and a
thread holding it waits for its worker's GIL between its inserts while the
other threads render pages — 176-188 submissions a second with 2 workers × 4
threads against 206-239 with 2 × 1 on 2 cores (docs/performance.md, «Quiet
machine, late evening»). Five workers is gunicorn's 2 × cores + 1 for the
2-core server the figures are for.

Database connections: every thread of every worker keeps its own connection
(DJANGO_CONN_MAX_AGE), so one app server holds at most workers × threads
connections. The defaults (5 × 1) are chosen so that eleven app servers,
their task workers and periodic jobs fit PostgreSQL's default
max_connections = 100; the arithmetic is in docs/deploy.md («Capacity»)."""

import gc
import os
import re
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 5))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # large XLSX reports are streamed, but allow time
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Django and every view are imported once, in the master (leanedu/wsgi.py loads
# the URLconf), and the workers are forked from it: a worker replaced after
# max_requests starts in milliseconds instead of paying about a second of
# imports in its first request (at 200 submissions a second a worker was
# replaced every 10-20 s). Upgrades restart the service (docs/operations.md),
# so code is never reloaded into a running master anyway.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def post_worker_init(worker):
    """Everything imported so far lives as long as the worker: moved out of the
    garbage collector's sight, so that its full collections (every few hundred
    requests) scan the objects of requests, not 200,000 objects of Django and
    the views each time (≈0.5 ms per proposal submission measured)."""
    gc.freeze()


accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
# Status links are masked and the address is the visitor's (leanedu/logmask.py).
logger_class = "leanedu.logmask.AccessLogger"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "leanedu.wsgi:application"

# One control socket per instance (gunicornc), named after the address it
# serves: two instances under one user no longer share $HOME/.gunicorn/gunicorn.ctl.
_run_dir = Path(__file__).resolve().parent / "var" / "run"
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET", str(_run_dir / f"gunicorn-{re.sub(r'[^A-Za-z0-9.]+', '-', bind).strip('-')}.ctl")
)
