"""Schemathesis fuzzes every endpoint of the live API from its own OpenAPI
schema: no answer is a server error, and every answer matches the schema
(status, content type, body). The run is bounded (a few examples per
operation, a fixed seed) so it stays within CI's time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_every_endpoint_survives_fuzzing_and_matches_its_schema(live_server, settings, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-123")
    call_command("seed_demo", quiet_accounts=True)
    settings.API_ANON_RATE = ""  # the fuzzer is one address sending hundreds of requests
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--url",
            live_server.url,
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--mode",
            "positive",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "8",
            "--seed",
            "13",
            "--workers",
            "1",
            "--request-timeout",
            "60",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) >= 19, output[-3000:]  # every operation ran
