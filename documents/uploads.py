"""What an uploaded file really is, told by its content, never by its name
or the type the browser claims. PDF, DOCX, ODT and XLSX are accepted, and
scans as JPEG, PNG or TIFF (their text is recognised: documents/ocr.py)."""

from __future__ import annotations

import hashlib
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents.conf import upload_max_bytes
from documents.models import FileType

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
IMAGE_MIMES = {"image/jpeg": FileType.JPEG, "image/png": FileType.PNG, "image/tiff": FileType.TIFF}


def sniff(upload) -> str | None:
    """The FileType of ``upload`` from its bytes, or None when not accepted."""
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    guess = filetype.guess(head)
    if guess is not None and guess.mime in IMAGE_MIMES:
        return IMAGE_MIMES[guess.mime] if _image_opens(upload) else None
    if guess is None or guess.mime not in {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
    }:
        return None
    # DOCX, XLSX and ODT are all zip archives: look at what is inside.
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE and "content.xml" in names:
                return FileType.ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return FileType.DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return FileType.XLSX
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def _image_opens(upload) -> bool:
    """A scan must be a whole picture within Pillow's decompression-bomb limit."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def check_upload(upload) -> str:
    """The upload's FileType, or a ValidationError a secretary understands."""
    limit = upload_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: %(size)s. The limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _(
                "This file is not a PDF, DOCX, ODT or XLSX document, nor a JPEG, PNG or TIFF scan (its content was "
                "checked, not its name). Save it in one of these formats and upload it again."
            ),
            code="file_type",
        )
    return kind


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
