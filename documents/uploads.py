"""What the registry accepts: PDF, DOCX, ODT and XLSX, and scans as JPEG, PNG
or TIFF (their text is recognised: documents/ocr.py), told apart by their
content in leanedu.uploads (the portal's one upload module). Scans are kept
as uploaded: only checked to open whole within the bomb limit."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leanedu import uploads

ACCEPT = uploads.Accept(
    kinds=(uploads.PDF, uploads.DOCX, uploads.ODT, uploads.XLSX, uploads.JPEG, uploads.PNG, uploads.TIFF),
    refusal=_(
        "This file is not a PDF, DOCX, ODT or XLSX document, nor a JPEG, PNG or TIFF scan (its content was "
        "checked, not its name). Save it in one of these formats and upload it again."
    ),
    clean_images=False,
)


def check_upload(upload) -> uploads.Checked:
    """The checked upload (its kind's code is the version's FileType), or a
    ValidationError a secretary understands."""
    return uploads.check(upload, ACCEPT)
