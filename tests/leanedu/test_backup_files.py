"""Backups hold personal data and password hashes: private modes, and rotation."""

import os
import stat
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from leanedu.backup import prune_backups

pytestmark = pytest.mark.django_db


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backups_are_private_whatever_the_umask(tmp_path, settings):
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = tmp_path / "media"
    previous = os.umask(0o022)  # the usual umask: files 644, folders 755
    try:
        call_command("backup", output=str(tmp_path / "backups"))
    finally:
        os.umask(previous)
    root = tmp_path / "backups"
    (folder,) = root.iterdir()
    assert mode(root) == 0o700
    assert mode(folder) == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert "db.dump" in files and "manifest.json" in files
    assert {p.name: mode(p) for p in folder.iterdir()} == dict.fromkeys(files, 0o600)


def make_folder(root, when):
    folder = root / timezone.localtime(when).strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True)
    (folder / "db.dump").write_bytes(b"dump")
    return folder


def test_old_backups_are_deleted_after_the_retention(tmp_path):
    now = timezone.localtime()
    root = tmp_path / "backups"
    old = [make_folder(root, now - timedelta(days=d)) for d in (40, 31)]
    kept = [make_folder(root, now - timedelta(days=d)) for d in (29, 1, 0)]
    unrelated = root / "keep-me"
    unrelated.mkdir()
    removed = prune_backups(root, keep_days=30, now=now)
    assert sorted(removed) == sorted(old)
    assert sorted(p for p in root.iterdir()) == sorted([*kept, unrelated])


def test_the_newest_backup_stays_however_old(tmp_path):
    now = timezone.localtime()
    only = make_folder(tmp_path, now - timedelta(days=400))
    assert prune_backups(tmp_path, keep_days=7, now=now) == []
    assert only.exists()


def test_the_backup_command_rotates(tmp_path, settings):
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = tmp_path / "media"
    root = tmp_path / "backups"
    stale = make_folder(root, timezone.now() - timedelta(days=20))
    call_command("backup", output=str(root), keep_days=14)
    assert not stale.exists()
    assert len(list(root.iterdir())) == 1
