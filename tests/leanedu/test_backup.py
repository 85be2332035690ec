"""Backup and restore round-trip the database and the uploaded files."""

import pytest
from django.core.management import call_command

from leanedu.models import Organization
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_and_restore_round_trip(tmp_path, settings, municipality):
    settings.PROPOSALS_FILES_ROOT = str(tmp_path / "private")
    (tmp_path / "private").mkdir()
    private_file = tmp_path / "private" / "photo.jpg"
    private_file.write_bytes(b"\xff\xd8 a parent's photo")
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    upload = settings.MEDIA_ROOT / "documents" / "order.pdf"
    upload.write_bytes(b"%PDF-1.4 the order as uploaded")
    SchoolFactory(short_name="Школа до резервной копии", parent=municipality)
    before = sorted(Organization.objects.values_list("pk", "short_name", "kind", "parent_id", "municipality_id"))

    call_command("backup", output=str(tmp_path / "backups"))
    (backup_dir,) = (tmp_path / "backups").iterdir()

    # Things go wrong after the backup: a row lost, a row added, a file changed.
    Organization.objects.filter(short_name="Школа до резервной копии").delete()
    SchoolFactory(short_name="Школа после резервной копии", parent=municipality)
    upload.write_bytes(b"corrupted")
    private_file.unlink()
    (settings.MEDIA_ROOT / "stray.txt").write_text("added later")

    call_command("restore", str(backup_dir), yes=True)

    after = sorted(Organization.objects.values_list("pk", "short_name", "kind", "parent_id", "municipality_id"))
    assert after == before
    assert upload.read_bytes() == b"%PDF-1.4 the order as uploaded"
    assert not (settings.MEDIA_ROOT / "stray.txt").exists()
    assert private_file.read_bytes() == b"\xff\xd8 a parent's photo"
