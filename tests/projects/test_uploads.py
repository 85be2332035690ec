"""Attachments: recognised by content, size-limited, refused with nothing
stored; EXIF stripped; private files behind a permission check."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from projects.models import ProjectAttachment, ProjectStatus
from projects.services import attachment_add

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "SecretSoftware"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    return out.getvalue()


def office_zip(inner: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, "<x/>")
    return out.getvalue()


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("plan.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF", "application/pdf"),
        ("photo.png", png(), "image/png"),
        (
            "map.docx",
            office_zip("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "plan.xlsx",
            office_zip("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_accepted_types(draft, coordinator_a, name, data, expected):
    attachment = attachment_add(
        actor=coordinator_a, project=draft, kind="action_plan", upload=SimpleUploadedFile(name, data)
    )
    assert attachment.content_type == expected
    assert attachment.file.storage.exists(attachment.file.name)


def test_docx_renamed_to_xlsx_is_recognised_as_docx(draft, coordinator_a):
    upload = SimpleUploadedFile("table.xlsx", office_zip("word/document.xml"))
    attachment = attachment_add(actor=coordinator_a, project=draft, kind="standard", upload=upload)
    assert attachment.original_name == "table.docx"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100),  # a renamed .exe
        ("photo.jpg", b"#!/bin/sh\nrm -rf /\n"),
        ("map.docx", office_zip("evil/payload.bin")),
        ("scan.gif", b"GIF89a" + b"\x00" * 50),
    ],
)
def test_refused_types_store_nothing(draft, coordinator_a, media_root, name, data):
    with pytest.raises(ValidationError):
        attachment_add(actor=coordinator_a, project=draft, kind="action_plan", upload=SimpleUploadedFile(name, data))
    assert not ProjectAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_oversize_is_refused_and_nothing_stored(draft, coordinator_a, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    data = b"%PDF-1.4\n" + b"0" * 2000
    with pytest.raises(ValidationError, match="слишком большой"):
        attachment_add(actor=coordinator_a, project=draft, kind="action_plan", upload=SimpleUploadedFile("a.pdf", data))
    assert not ProjectAttachment.objects.exists()
    assert stored_files(media_root) == []


def test_photo_must_be_an_image(draft, coordinator_a):
    upload = SimpleUploadedFile("photo.pdf", b"%PDF-1.4\n%%EOF")
    with pytest.raises(ValidationError, match="JPEG или PNG"):
        attachment_add(actor=coordinator_a, project=draft, kind="photo_before", upload=upload)


def test_exif_is_stripped(draft, coordinator_a):
    data = jpeg_with_exif()
    assert b"SecretCam" in data
    attachment = attachment_add(
        actor=coordinator_a, project=draft, kind="photo_before", upload=SimpleUploadedFile("p.jpg", data)
    )
    stored = attachment.file.read()
    assert b"SecretCam" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_upload_through_the_cabinet_refuses_with_a_message(client, coordinator_a, draft, media_root):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("projects:cabinet_upload", args=[draft.pk]),
        {"kind": "action_plan", "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
        follow=True,
    )
    assert "Файл не принят" in response.content.decode()
    assert stored_files(media_root) == []


def test_other_coordinator_cannot_upload(coordinator_b, draft):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        attachment_add(
            actor=coordinator_b, project=draft, kind="photo_before", upload=SimpleUploadedFile("p.png", png())
        )


def _attach(project, actor, kind, name, data):
    return attachment_add(actor=actor, project=project, kind=kind, upload=SimpleUploadedFile(name, data))


@pytest.mark.parametrize("role", ["anonymous", "coordinator_b", "coordinator_a", "official", "office"])
def test_file_access(client, request, role, project_in, coordinator_a, office):
    public = project_in(ProjectStatus.COMPLETED)
    draft = project_in(ProjectStatus.DRAFT)
    photo = _attach(public, office, "photo_after", "p.png", png())
    plan = _attach(public, office, "action_plan", "plan.pdf", b"%PDF-1.4\n%%EOF")
    draft_photo = _attach(draft, office, "photo_before", "p.png", png())
    user = request.getfixturevalue(role)
    if user.is_authenticated:
        client.force_login(user)
    in_scope = role in ("coordinator_a", "official", "office")
    assert client.get(photo.get_absolute_url()).status_code == 200
    assert client.get(plan.get_absolute_url()).status_code == (200 if in_scope else 404)
    assert client.get(draft_photo.get_absolute_url()).status_code == (200 if in_scope else 404)


def test_coordinator_removes_a_file_of_a_draft_only(
    client, coordinator_a, coordinator_b, draft, project_in, media_root
):
    attachment = _attach(draft, coordinator_a, "action_plan", "plan.pdf", b"%PDF-1.4\n%%EOF")
    url = reverse("projects:cabinet_attachment_delete", args=[draft.pk, attachment.pk])
    client.force_login(coordinator_b)
    assert client.post(url).status_code == 404
    client.force_login(coordinator_a)
    assert client.post(url).status_code == 302
    assert not ProjectAttachment.objects.filter(pk=attachment.pk).exists()

    submitted = project_in(ProjectStatus.SUBMITTED)
    kept = ProjectAttachment.objects.create(
        project=submitted,
        kind="standard",
        file="projects/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
    )
    client.post(reverse("projects:cabinet_attachment_delete", args=[submitted.pk, kept.pk]))
    assert ProjectAttachment.objects.filter(pk=kept.pk).exists()
