"""Checking uploaded attachments by their content, not their name.

Accepted: PDF, JPEG and PNG images, DOCX and XLSX (both are ZIP archives;
their inner structure tells them apart). Anything else, anything larger than
the limit, and anything that only pretends to be one of these is refused
before a byte is stored. Images are re-encoded without EXIF (camera, GPS)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from projects import conf

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}
IMAGE_TYPES = (JPEG, PNG)
DOCUMENT_TYPES = (PDF, JPEG, PNG, DOCX, XLSX)


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> CheckedFile:
    """Return the file ready to store, or raise ValidationError."""
    limit = conf.upload_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s is accepted."),
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    data = upload.read()
    if len(data) > limit:  # the declared size can lie
        raise ValidationError(
            _("The file is too large: at most %(limit)s is accepted."),
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    content_type = sniff(data)
    allowed = IMAGE_TYPES if images_only else DOCUMENT_TYPES
    if content_type not in allowed:
        if images_only:
            message = _("Only photos in JPEG or PNG format are accepted here.")
        else:
            message = _("This file type is not accepted. Upload a PDF, a JPEG or PNG image, a DOCX or an XLSX file.")
        raise ValidationError(message, code="bad_type")
    if content_type in IMAGE_TYPES:
        data = strip_metadata(data, content_type)
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return CheckedFile(
        content=ContentFile(data, name=stem + EXTENSIONS[content_type]),
        content_type=content_type,
        original_name=stem + EXTENSIONS[content_type],
        size=len(data),
    )


def sniff(data: bytes) -> str | None:
    """The real type of the bytes, or None when it is not one we accept."""
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime in (PDF, JPEG, PNG):
        return mime
    if mime in ("application/zip", DOCX, XLSX) or data[:4] == b"PK\x03\x04":
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    """DOCX or XLSX, told apart by the parts inside the ZIP archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """Re-encode the image without EXIF; keep its visible orientation."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if content_type == JPEG:
                image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
            else:
                image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image is damaged and cannot be opened."), code="bad_image") from exc
    return out.getvalue()
