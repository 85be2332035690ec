"""The WSGI application, as gunicorn loads it (in the master: gunicorn.conf.py
preloads it before forking the workers)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanedu.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import every view now (the URLconf) and digest the templates for the
    cache keys, not in each worker's first request, and leave no database
    connection open to be shared by forked workers."""
    from django.db import connections
    from django.urls import get_resolver

    from leanedu.fragments import release

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    release()
    connections.close_all()


_warm_up()
