"""The kernel depends on no app: apps plug into it (home page blocks, role
permissions, backup folders) through their AppConfig."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {"documents", "projects", "indicators", "proposals"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_kernel_imports_no_app():
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "leanedu").rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in APPS
    }
    assert offenders == set()


@pytest.mark.django_db
def test_the_home_page_shows_the_blocks_the_apps_register(client):
    from tests.documents.factories import DocumentFactory

    DocumentFactory(title="О создании опорных площадок")
    html = client.get("/").content.decode()
    assert "Последние документы" in html
    assert "О создании опорных площадок" in html
