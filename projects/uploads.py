"""What a project accepts as an attachment, told by content in leanedu.uploads
(the portal's one upload module): documents as PDF, JPEG or PNG images, DOCX
or XLSX; photos (before/after) as JPEG or PNG only. Images are re-encoded
upright and without EXIF (camera, GPS) before they are stored."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from leanedu import uploads

DOCUMENTS = uploads.Accept(
    kinds=(uploads.PDF, uploads.JPEG, uploads.PNG, uploads.DOCX, uploads.XLSX),
    refusal=_("This file type is not accepted. Upload a PDF, a JPEG or PNG image, a DOCX or an XLSX file."),
)
PHOTOS = uploads.Accept(
    kinds=(uploads.JPEG, uploads.PNG),
    refusal=_("Only photos in JPEG or PNG format are accepted here."),
)


def check_upload(upload, *, images_only: bool = False) -> uploads.Checked:
    """The file ready to store, or a ValidationError; nothing is written here."""
    return uploads.check(upload, PHOTOS if images_only else DOCUMENTS)
