"""Security baseline: headers, CSP, login lock-out, production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_scripts_or_styles_in_the_base_page(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert "style=" not in html


def test_login_is_locked_after_repeated_failures(client, settings):
    UserFactory(username="victim")
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "victim", "password": "wrong-password"})
    response = client.post(url, {"username": "victim", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "временно заблокирован" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_correct_login_works_and_logout_needs_post(client):
    UserFactory(username="teacher")
    response = client.post(reverse("login"), {"username": "teacher", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 20 + "Qz9-x_w7" * 6,
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS="leanedu.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_malformed_database_url_is_one_clear_line():
    result = run_manage("check", DATABASE_URL="postgres://user:pass@host:notaport/db")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_non_postgres_database_url_is_refused():
    result = run_manage("check", DATABASE_URL="mysql://user:pass@127.0.0.1:3306/leanedu")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line():
    result = run_manage("preflight", DATABASE_URL="postgres://postgres@127.0.0.1:1/leanedu")
    assert result.returncode != 0
    assert "unreachable" in result.stderr and "Traceback" not in result.stderr


def test_busy_port_is_one_clear_line():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run_manage("preflight", "--port", str(port))
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and "Traceback" not in result.stderr
