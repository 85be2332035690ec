"""Every environment variable the code reads is in the README's table, and
the table names no variable the code ignores."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "tests", "bench", "var", "node_modules", ".git", "staticfiles"}
READS = [
    re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']"""),  # django-environ: env.int("X"), env("X")
    re.compile(r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]+)["']\s*\]"""),
    re.compile(r"""os\.getenv\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""settings_env\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""^\s*["']([A-Z][A-Z0-9_]+)["']:\s*\((?:int|str|bool|float),""", re.M),  # conf tables
]
# Read by the process around the app rather than by its settings.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "CI", "PORT", "XDG_RUNTIME_DIR", "HOME", "PATH"}


def code_reads() -> set[str]:
    names: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if SKIP_DIRS & set(path.relative_to(ROOT).parts):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            names.update(pattern.findall(text))
    return names - NOT_SETTINGS


def documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for line in readme.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_every_variable_the_code_reads_is_documented():
    assert sorted(code_reads() - documented()) == []


def test_the_table_documents_nothing_the_code_ignores():
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are read by boto3 itself.
    read_elsewhere = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    assert sorted(documented() - code_reads() - read_elsewhere) == []


def test_compose_keeps_every_data_folder_on_a_volume():
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for service in ("web", "worker"):
        block = re.search(rf"^  {service}:\n(.*?)(?=^  \w+:|^\S)", compose, re.M | re.S).group(1)
        for setting, folder in (
            ("DJANGO_MEDIA_ROOT", "/app/var/media"),
            ("PROPOSALS_FILES_ROOT", "/app/var/private"),
            ("BACKUP_ROOT", "/app/var/backups"),
        ):
            assert f"{setting}: {folder}" in block, (service, setting)
            assert re.search(rf"\w+:{re.escape(folder)}[,\]]", block), (service, folder)


def test_the_docs_give_one_body_size_limit_per_location():
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    nginx = re.search(r"```nginx\n(.*?)```", deploy, re.S).group(1)
    limits = re.findall(r"client_max_body_size (\d+)m", nginx)
    assert limits == ["25", "12"]  # the site, then the proposal form
    for name in ("proposals.md", "operations.md", "documents.md", "projects.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        for size in re.findall(r"client_max_body_size (\d+)m", text):
            assert size in limits, name
