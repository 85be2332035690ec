"""A process killed in the middle of an indicator import leaves nothing
half-imported: the apply is one transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import xlsxwriter
from django.db import connection

from indicators.exports import TEMPLATE_HEADER
from indicators.models import Indicator, Period, PeriodKind, Value
from leanedu.models import Organization
from tests.factories import SchoolFactory
from tests.reliability.harness import ROOT, current_database_url

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]
ROWS = 20_000


def subprocess_env() -> dict[str, str]:
    """The test database, seen from another process."""
    return {**os.environ, "DATABASE_URL": current_database_url()}


@pytest.fixture
def big_file(tmp_path, municipality, office):
    from indicators.models import Direction, IndicatorLevel, Method, Unit

    codes = []
    for n in range(20):
        Indicator.objects.create(
            code=f"K{n:02d}",
            name=f"Показатель {n}",
            unit=Unit.UNITS,
            direction=Direction.HIGHER,
            level=IndicatorLevel.ORGANIZATION,
            method=Method.ENTERED,
        )
        codes.append(f"K{n:02d}")
    SchoolFactory.create_batch(ROWS // 20, parent=municipality)
    orgs = list(Organization.objects.education().values_list("pk", flat=True))
    path = tmp_path / "values.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, TEMPLATE_HEADER)
    row = 0
    for org in orgs:
        for code in codes:
            row += 1
            sheet.write_row(row, 0, [org, "", code, "", "", row % 90 + 1, ""])
    book.close()
    return path, row


def test_killing_an_import_midway_leaves_nothing_behind(big_file, office):
    path, rows = big_file
    period = Period.ensure(PeriodKind.YEAR, 2025)
    command = [
        sys.executable,
        "manage.py",
        "import_indicator_values",
        str(path),
        "--period",
        "2025",
        "--user",
        "office",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=subprocess_env(), stdout=subprocess.PIPE, text=True)
    # Wait until it starts writing, then kill it hard (no chance to clean up).
    assert "applying" in proc.stdout.readline()
    deadline = time.monotonic() + 60
    writing = False
    while not writing and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND query ILIKE 'INSERT INTO%%indicators_%%'"
            )
            writing = cursor.fetchone()[0] > 0
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert writing, "the import was not caught while writing rows"

    assert Value.objects.filter(period=period).count() == 0
    assert Value.history.filter(period=period).count() == 0

    # The same file imported without interruption goes in whole.
    result = subprocess.run(command, cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert Value.objects.filter(period=period).count() == rows
