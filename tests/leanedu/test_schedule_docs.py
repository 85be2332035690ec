"""The cron lines and systemd timers in docs/deploy.md work as written: they
run from cron's bare environment and home folder, and name the one schedule
run_periodic knows."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from leanedu import periodic

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()
APP = "/srv/leanedu/app"
CRON_WHEN = {"frequent": "*/5 * * * *", "nightly": "30 2 * * *", "morning": "0 7 * * *"}
TIMER_WHEN = {
    "frequent": "*-*-* *:00/5:00 Asia/Yekaterinburg",
    "nightly": "*-*-* 02:30:00 Asia/Yekaterinburg",
    "morning": "*-*-* 07:00:00 Asia/Yekaterinburg",
}


def cron_lines() -> list[str]:
    block = re.search(r"```cron\n(.*?)```", DEPLOY, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and "=" not in line.split()[0]]


def test_one_schedule_everywhere():
    assert set(periodic.WHEN) == set(CRON_WHEN) == set(periodic.SCHEDULES)
    lines = cron_lines()
    assert len(lines) == len(CRON_WHEN)
    for schedule, when in CRON_WHEN.items():
        (line,) = [line for line in lines if line.endswith(f"run_periodic {schedule}")]
        assert " ".join(line.split()[:5]) == when
        assert line.split()[5] == "leanedu"  # /etc/cron.d names the user
        assert f"OnCalendar={TIMER_WHEN[schedule]}" in DEPLOY or TIMER_WHEN[schedule] in DEPLOY
    assert "CRON_TZ=Asia/Yekaterinburg" in DEPLOY
    for name in ("proposals.md", "operations.md"):
        text = (ROOT / "docs" / name).read_text()
        cron_like = re.findall(r"^[\d*/,-]+ [\d*/,-]+ [\d*/,-]+ [\d*/,-]+ [\d*/,-]+ .*manage\.py", text, re.M)
        assert cron_like == [], f"{name} has its own schedule"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_timers_calendar_specs_are_valid():
    for spec in TIMER_WHEN.values():
        result = subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_cron_lines_run_from_cron_s_bare_environment(tmp_path):
    """Each line's command, with the app at this checkout instead of /srv/leanedu/app,
    run by /bin/sh from the home folder with cron's PATH and no settings in the
    environment but the database (a real server reads it from .env)."""
    db = connection.settings_dict
    # the embedded server listens on a socket folder: a path, percent-encoded in the URL
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    url = f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "SHELL": "/bin/sh",
        "DATABASE_URL": url,
        "BACKUP_ROOT": str(tmp_path / "backups"),
        "PROPOSALS_FILES_ROOT": str(tmp_path / "private"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    for line in cron_lines():
        command = " ".join(line.split()[6:]).replace(APP, str(ROOT))
        assert command.startswith("/"), "cron starts in the home folder: the path must be absolute"
        result = subprocess.run(["/bin/sh", "-c", command], cwd=home, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert "FAILED" not in result.stdout
