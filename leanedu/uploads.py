"""What an uploaded file really is, for every app: told by its content, never
by its name or the type the browser claims.

- ``KINDS``: the table of kinds the portal knows — content signature, MIME
  type, extension, and the check that content gets (the ZIP inspector for
  Office/ODF files, the image cleaner for photos).
- one size limit for a single file: ``settings.UPLOAD_MAX_BYTES``;
- ``clean_image``: re-encodes a photo upright, without EXIF/GPS or any other
  metadata; ``check_image`` (which it calls) refuses decompression bombs and
  damaged pictures;
- ``inspect_zip``: tells DOCX, XLSX and ODT apart by the parts inside the
  archive, and refuses archives that unpack into far more than they weigh.

Each app declares what it accepts with an ``Accept`` (its kinds, and the
sentence that refuses anything else) and calls ``check(upload, accept)``
before a byte is stored."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ZIP_SIGNATURE = b"PK\x03\x04"
# A small file can unpack into a huge picture: 40 megapixels is more than any phone camera.
MAX_IMAGE_PIXELS = 40_000_000
# An Office/ODF file whose parts unpack into more than this is a ZIP bomb, not a document.
MAX_ZIP_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
JPEG_QUALITY = 90


@dataclass(frozen=True)
class Kind:
    """One row of the table: how such a file starts, what it is called."""

    code: str  # short name; documents.FileType uses the same values
    label: str  # as people name it in a message: "PDF", "JPEG"
    mime: str
    extension: str
    signature: bytes | tuple[bytes, ...]  # the first bytes of every such file
    is_image: bool = False  # re-encoded by clean_image
    zip_parts: tuple[str, ...] = ()  # for ZIP-based kinds: the parts inspect_zip looks for


PDF = Kind("pdf", "PDF", "application/pdf", ".pdf", b"%PDF-")
JPEG = Kind("jpeg", "JPEG", "image/jpeg", ".jpg", b"\xff\xd8\xff", is_image=True)
PNG = Kind("png", "PNG", "image/png", ".png", b"\x89PNG\r\n\x1a\n", is_image=True)
TIFF = Kind("tiff", "TIFF", "image/tiff", ".tif", (b"II*\x00", b"MM\x00*"), is_image=True)
DOCX = Kind(
    "docx",
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    ZIP_SIGNATURE,
    zip_parts=("[Content_Types].xml", "word/document.xml"),
)
XLSX = Kind(
    "xlsx",
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    ZIP_SIGNATURE,
    zip_parts=("[Content_Types].xml", "xl/workbook.xml"),
)
ODT = Kind(
    "odt",
    "ODT",
    "application/vnd.oasis.opendocument.text",
    ".odt",
    ZIP_SIGNATURE,
    zip_parts=("mimetype", "content.xml"),
)
KINDS: tuple[Kind, ...] = (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT)
BY_MIME = {kind.mime: kind for kind in KINDS}
BY_CODE = {kind.code: kind for kind in KINDS}


@dataclass(frozen=True)
class Accept:
    """What one place accepts, and how it refuses the rest. ``refusal`` may
    use ``%(name)s`` (the file's name). Images are re-encoded without metadata
    (``clean_images``) or, where the original must be kept (scans of official
    acts), only checked to open whole within the bomb limit."""

    kinds: tuple[Kind, ...]
    refusal: str | Promise
    clean_images: bool = True

    @property
    def mime_types(self) -> tuple[str, ...]:
        return tuple(kind.mime for kind in self.kinds)


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its kind and the bytes to store (re-encoded for images)."""

    kind: Kind
    data: bytes
    name: str  # the uploaded name with the extension of its real kind

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return self.kind.mime

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def content(self) -> ContentFile:
        return ContentFile(self.data, name=self.name)


def max_bytes() -> int:
    """The size limit of one uploaded file (UPLOAD_MAX_BYTES)."""
    return settings.UPLOAD_MAX_BYTES


def check(upload, accept: Accept) -> Checked:
    """The upload's kind and the bytes to store, or a ValidationError that
    says why in words a secretary or a parent understands."""
    name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    limit = max_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(name, declared, limit)
    upload.seek(0)
    data = upload.read(limit + 1)  # the declared size can lie
    upload.seek(0)
    if len(data) > limit:
        raise _too_large(name, len(data), limit)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(data)
    if kind not in accept.kinds:
        raise ValidationError(accept.refusal, code="file_type", params={"name": name})
    if kind.is_image:
        data = clean_image(data, kind, name=name) if accept.clean_images else check_image(data, name=name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return Checked(kind=kind, data=data, name=(stem or "file") + kind.extension)


def sniff(data: bytes) -> Kind | None:
    """The kind of the bytes by their signature (and, for ZIP archives, by the
    parts inside), or None for anything the portal does not know."""
    if data.startswith(ZIP_SIGNATURE):
        return inspect_zip(data)
    for kind in KINDS:
        if kind.signature != ZIP_SIGNATURE and data.startswith(kind.signature):  # a tuple: any of them
            return kind
    return None


def inspect_zip(data: bytes) -> Kind | None:
    """DOCX, XLSX or ODT, told apart by the parts inside the archive; None for
    any other archive, a damaged one, or one that would unpack into a bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_UNPACKED_BYTES:
                return None
            names = {m.filename for m in members}
            for kind in KINDS:
                if kind.zip_parts and names.issuperset(kind.zip_parts):
                    if kind is ODT and archive.read("mimetype").strip() != ODT.mime.encode():
                        continue
                    return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    return None


def check_image(data: bytes, *, name: str = "") -> bytes:
    """The picture unchanged, once it is known to open whole and to unpack
    into no more than MAX_IMAGE_PIXELS; otherwise a ValidationError."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("«%(name)s» is too large a picture."), code="image_too_large", params={"name": name}
                )
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("«%(name)s» is damaged."), code="damaged", params={"name": name}) from exc
    return data


def clean_image(data: bytes, kind: Kind, *, name: str = "") -> bytes:
    """The picture re-encoded upright (EXIF orientation applied) without EXIF,
    GPS, comments or any other metadata; ``check_image`` first."""
    check_image(data, name=name)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = ImageOps.exif_transpose(image)
            clean.info = {}
            out = io.BytesIO()
            if kind is JPEG:
                if clean.mode not in ("RGB", "L"):
                    clean = clean.convert("RGB")
                clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            else:
                clean.save(
                    out, format="TIFF" if kind is TIFF else "PNG", **({} if kind is TIFF else {"optimize": True})
                )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("«%(name)s» is damaged."), code="damaged", params={"name": name}) from exc
    return out.getvalue()


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is too large: %(size)s. The limit is %(limit)s."),
        code="too_large",
        params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
    )
