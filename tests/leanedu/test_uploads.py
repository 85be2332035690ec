"""The portal's one upload module: the table of kinds, the size limit, the
ZIP inspector and the image cleaner, as every app uses them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from leanedu import uploads
from tests.documents.factories import docx_bytes, odt_bytes, pdf_bytes, xlsx_bytes

EVERYTHING = uploads.Accept(kinds=uploads.KINDS, refusal="refused %(name)s")


def jpeg(size=(40, 20), orientation: int | None = None, make: str = "SecretCam") -> bytes:
    image = Image.new("RGB", size, (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = make
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"shot at home")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("maker", "kind"),
    [
        (lambda: pdf_bytes("plan"), uploads.PDF),
        (jpeg, uploads.JPEG),
        (png, uploads.PNG),
        (lambda: docx_bytes("текст"), uploads.DOCX),
        (lambda: xlsx_bytes("ячейка"), uploads.XLSX),
        (lambda: odt_bytes("абзац"), uploads.ODT),
    ],
)
def test_every_kind_is_told_by_its_content_and_named_by_it(maker, kind):
    checked = uploads.check(SimpleUploadedFile("renamed.bin", maker()), EVERYTHING)
    assert checked.kind is kind
    assert checked.name == "renamed" + kind.extension
    assert checked.content_type == kind.mime


def test_a_kind_the_place_does_not_accept_is_refused_with_its_own_sentence():
    only_pdf = uploads.Accept(kinds=(uploads.PDF,), refusal="«%(name)s» не PDF")
    with pytest.raises(ValidationError) as error:
        uploads.check(SimpleUploadedFile("a.pdf", png()), only_pdf)
    assert error.value.messages == ["«a.pdf» не PDF"]


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 100,  # a Windows executable
        b"\x7fELF" + b"\x00" * 100,
        b"GIF89a" + b"\x00" * 50,
        b"PK\x03\x04 not really a zip",
    ],
)
def test_unknown_content_is_refused(data):
    with pytest.raises(ValidationError):
        uploads.check(SimpleUploadedFile("x.pdf", data), EVERYTHING)


def test_an_archive_with_other_parts_or_a_false_odt_mimetype_is_not_a_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/x-evil")
        archive.writestr("content.xml", "<x/>")
    assert uploads.sniff(out.getvalue()) is None


def test_a_zip_bomb_is_not_inspected_further(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNPACKED_BYTES", 1000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "0" * 5000)  # unpacks to 5 KB from a few bytes
    assert uploads.sniff(out.getvalue()) is None


def test_one_size_limit_for_every_app_and_a_lying_size_is_caught(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="too large|слишком"):
        uploads.check(SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 2000), EVERYTHING)
    liar = SimpleUploadedFile("b.pdf", b"%PDF-1.4" + b"0" * 2000)
    liar.size = 10
    with pytest.raises(ValidationError) as error:
        uploads.check(liar, EVERYTHING)
    assert error.value.code == "too_large"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        uploads.check(SimpleUploadedFile("e.pdf", b""), EVERYTHING)
    assert error.value.code == "empty"


def test_images_keep_their_orientation_and_lose_every_metadata():
    data = jpeg(size=(40, 20), orientation=6)  # taken with the phone turned: shown 20×40
    assert b"SecretCam" in data and b"shot at home" in data
    cleaned = uploads.check(SimpleUploadedFile("p.jpg", data), EVERYTHING).data
    assert b"SecretCam" not in cleaned and b"shot at home" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (20, 40)
        assert not image.getexif()


def test_a_picture_that_unpacks_into_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 50)
    with pytest.raises(ValidationError) as error:
        uploads.check(SimpleUploadedFile("big.png", png()), EVERYTHING)
    assert error.value.code == "image_too_large"


def test_a_damaged_picture_is_refused():
    data = jpeg()[:200]
    with pytest.raises(ValidationError) as error:
        uploads.check(SimpleUploadedFile("broken.jpg", data), EVERYTHING)
    assert error.value.code == "damaged"
