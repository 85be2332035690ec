"""Recognition of scanned pages (OCR), so that a scanned order is found by the
words of its text.

Pages are rendered with PDFium (pypdfium2) and read by the ``tesseract``
program in the configured languages. A PDF keeps its text pages exactly as
they are; each scanned page gets Tesseract's invisible text layer laid over
it (pypdf), so the searchable copy looks like the original and its text can
be selected and copied. A JPEG, PNG or TIFF scan becomes a PDF of its pages
with the text layer. This route was chosen over OCRmyPDF by measurement: about
1.2 s of processor time per A4 page at 300 dpi against about 20 s, and two
packages fewer (see docs/documents.md, ``bench/bench_ocr.py``).

Nothing here touches the database: ``documents.services`` decides what to
store. Every failure a file can cause is a ``RecognitionError`` whose message a
member of staff can act on."""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from documents.models import FileType

logger = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({FileType.JPEG, FileType.PNG, FileType.TIFF})

# A page with less text than this is taken for a scan (a stamp or a page
# number alone doesn't make a text layer).
MIN_PAGE_CHARS = 20
RENDER_DPI = 300
# Tesseract would otherwise start a thread per core for each page; the
# worker's other jobs and the web servers need those cores.
TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}


class RecognitionError(Exception):
    """A file that cannot be recognised; the message says why, for staff."""


@dataclass(frozen=True)
class Recognition:
    text: str
    searchable_pdf: bytes
    pages_recognised: int
    pages_total: int


def languages() -> list[str]:
    return [code for code in settings.DOCUMENTS_OCR_LANGUAGES.split("+") if code]


def unavailable_reason() -> str | None:
    """Why recognition cannot run on this server, or None when it can."""
    if not settings.DOCUMENTS_OCR_ENABLED:
        return _("recognition is switched off in the settings (DOCUMENTS_OCR_ENABLED=0)")
    binary = shutil.which("tesseract")
    if binary is None:
        return _(
            "the Tesseract program is not installed on the server (Debian packages tesseract-ocr and tesseract-ocr-rus)"
        )
    missing = sorted(set(languages()) - _installed_languages(binary))
    if missing:
        return _("Tesseract has no language data for: %(languages)s (Debian packages tesseract-ocr-…)") % {
            "languages": ", ".join(missing)
        }
    return None


@functools.cache
def _installed_languages(binary: str) -> frozenset[str]:
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    # The first line is a heading ("List of available languages in ...").
    return frozenset(line.strip() for line in listed.stdout.splitlines()[1:] if line.strip())


def count_pages(data: bytes, file_type: str) -> int:
    """Pages of a PDF or frames of an image; raises RecognitionError when the
    file cannot be opened."""
    if file_type in IMAGE_TYPES:
        return getattr(_open_image(data), "n_frames", 1)
    pdf = _open_pdf(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def scanned_pages(data: bytes) -> int:
    """How many pages of a PDF have no text layer worth the name."""
    pdf = _open_pdf(data)
    try:
        scanned = 0
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                scanned += len(_page_text(page).strip()) < MIN_PAGE_CHARS
            finally:
                page.close()
        return scanned
    finally:
        pdf.close()


def recognise(data: bytes, file_type: str) -> Recognition:
    """Recognise a scan within the page and time limits of the settings."""
    deadline = time.monotonic() + settings.DOCUMENTS_OCR_TIMEOUT_SECONDS
    if file_type in IMAGE_TYPES:
        return _recognise_image(data, deadline)
    if file_type == FileType.PDF:
        return _recognise_pdf(data, deadline)
    raise RecognitionError(_("this kind of file is not recognised"))


def _recognise_pdf(data: bytes, deadline: float) -> Recognition:
    from pypdf import PdfReader, PdfWriter, Transformation

    pdf = _open_pdf(data)
    try:
        total = len(pdf)
        check_page_limit(total)
        texts: list[str] = []
        layers: dict[int, bytes] = {}
        for index in range(total):
            # One page at a time, each closed at once: a long scan's memory
            # stays that of one rendered page (about 26 MB at 300 dpi).
            page = pdf[index]
            try:
                own_text = _page_text(page)
                if len(own_text.strip()) >= MIN_PAGE_CHARS:
                    texts.append(own_text)
                    continue
                bitmap = page.render(scale=RENDER_DPI / 72)
                try:
                    image = bitmap.to_pil()
                    text, layers[index] = _tesseract(image, RENDER_DPI, deadline, text_only=True)
                finally:
                    bitmap.close()
                texts.append(text)
            finally:
                page.close()
    finally:
        pdf.close()
    if not layers:
        return Recognition(text="\n".join(texts), searchable_pdf=b"", pages_recognised=0, pages_total=total)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for index, layer_pdf in layers.items():
        target = writer.pages[index]
        # PDFium rendered the page as it is shown; turn the page's own
        # rotation into its content so the text layer lines up with it.
        if target.rotation:
            target.transfer_rotation_to_content()
        layer = PdfReader(io.BytesIO(layer_pdf)).pages[0]
        box = target.mediabox
        scale_x = float(box.width) / float(layer.mediabox.width)
        scale_y = float(box.height) / float(layer.mediabox.height)
        target.merge_transformed_page(
            layer, Transformation().scale(scale_x, scale_y).translate(float(box.left), float(box.bottom))
        )
    out = io.BytesIO()
    writer.write(out)
    return Recognition(
        text="\n".join(texts), searchable_pdf=out.getvalue(), pages_recognised=len(layers), pages_total=total
    )


def _recognise_image(data: bytes, deadline: float) -> Recognition:
    from pypdf import PdfReader, PdfWriter

    image = _open_image(data)
    total = getattr(image, "n_frames", 1)
    check_page_limit(total)
    writer = PdfWriter()
    texts = []
    for frame, dpi in _image_frames(image):
        text, page_pdf = _tesseract(frame, dpi, deadline, text_only=False)
        texts.append(text)
        writer.append(PdfReader(io.BytesIO(page_pdf)))
    out = io.BytesIO()
    writer.write(out)
    return Recognition(text="\n".join(texts), searchable_pdf=out.getvalue(), pages_recognised=total, pages_total=total)


def _tesseract(image, dpi: int, deadline: float, *, text_only: bool) -> tuple[str, bytes]:
    """Text and a one-page PDF (the text layer alone, or with the image)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timeout_error()
    with tempfile.TemporaryDirectory(prefix="leanedu-ocr-") as folder:
        source = Path(folder) / "page.png"
        image.save(source, dpi=(dpi, dpi))
        command = [
            "tesseract",
            str(source),
            str(Path(folder) / "out"),
            "-l",
            "+".join(languages()),
            "--dpi",
            str(dpi),
            "-c",
            f"textonly_pdf={1 if text_only else 0}",
            "txt",
            "pdf",
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=remaining,
                check=True,
                env={**os.environ, **TESSERACT_ENV},
            )
        except subprocess.TimeoutExpired as exc:
            raise _timeout_error() from exc
        except FileNotFoundError as exc:
            raise RecognitionError(unavailable_reason() or str(exc)) from exc
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise RecognitionError(_("Tesseract stopped with an error: %(detail)s") % {"detail": detail[0]}) from exc
        text = (Path(folder) / "out.txt").read_text(encoding="utf-8", errors="replace")
        return text, (Path(folder) / "out.pdf").read_bytes()


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise RecognitionError(_("the PDF is protected by a password")) from exc
        raise RecognitionError(_("the PDF is damaged and cannot be read")) from exc


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_bounded()
    finally:
        textpage.close()


def _open_image(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise RecognitionError(_("the image is damaged or too large to read")) from exc


def _image_frames(image):
    """The pages of an image file (a TIFF may hold several) with their dpi,
    one at a time, so a long scan never sits in memory whole."""
    from PIL import Image, ImageOps, ImageSequence

    try:
        for frame in ImageSequence.Iterator(image):
            dpi = frame.info.get("dpi", (0, 0))[0] or 0
            # A photo of a page often carries no resolution: read it as 300 dpi.
            yield ImageOps.exif_transpose(frame.convert("RGB")), int(dpi) if dpi >= 70 else RENDER_DPI
    except (OSError, Image.DecompressionBombError) as exc:
        raise RecognitionError(_("the image is damaged or too large to read")) from exc


def check_page_limit(pages: int) -> None:
    limit = settings.DOCUMENTS_OCR_MAX_PAGES
    if pages > limit:
        raise RecognitionError(
            _("the file has more pages than recognition is allowed to read (%(limit)d)") % {"limit": limit}
        )


def _timeout_error() -> RecognitionError:
    return RecognitionError(
        _("recognition took longer than the limit of %(seconds)d seconds")
        % {"seconds": settings.DOCUMENTS_OCR_TIMEOUT_SECONDS}
    )
