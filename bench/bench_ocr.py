"""Recognition of scans (OCR): seconds per A4 page at 300 dpi, peak memory of a
20-page scan, and the registry's search at 10,000 documents with and without
recognised text.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_ocr.py

Needs Tesseract with Russian (Debian: tesseract-ocr tesseract-ocr-rus) and a
Cyrillic font (fonts-dejavu-core). Runs on its own database
(``<name>_bench_ocr``). Figures are printed, never asserted; the processor time
is the fair figure on a shared machine, the wall time is what a user waits."""

from __future__ import annotations

import io
import os
import resource
import shutil
import subprocess
import sys
import time

from _common import row, setup_django, time_requests

# «наставничество» is the topic of one synthetic document in ten; «контроль
# исполнения» stands in every recognised page (the worst case: 10,000 matches).
SEARCHES = ["внедрение бережливых технологий", "наставничество", "контроль исполнения"]
# About one page of an order, as recognition gives it back.
OCR_PAGE = (
    "В целях повышения качества и доступности образования, эффективности деятельности образовательных "
    "организаций приказываю: 1. Внедрить бережливые технологии в деятельность подведомственных организаций. "
    "2. Руководителям организовать работу проектных офисов, назначить ответственных и представить отчёт в установленный срок. 3. Контроль исполнения настоящего "
    "приказа оставляю за собой. "
) * 6


def a4_scan(pages: int) -> bytes:
    """An image-only PDF of ``pages`` A4 pages at 300 dpi, full of Russian text."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    from documents.demo import find_cyrillic_font

    font = ImageFont.truetype(find_cyrillic_font(), 40)
    images = []
    for number in range(1, pages + 1):
        page = Image.new("L", (2480, 3508), 255)
        draw = ImageDraw.Draw(page)
        lines = [f"Страница {number}", ""] + textwrap.wrap(OCR_PAGE, 80)[:40]
        for index, line in enumerate(lines):
            draw.text((220, 240 + index * 70), line, font=font, fill=0)
        images.append(page)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=300, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def per_page() -> None:
    from documents import ocr

    data = a4_scan(1)
    print(row("A4 page, 300 dpi", "run", "wall s", "CPU s", "chars"))
    for attempt in range(1, 4):
        started_wall, started_cpu = time.monotonic(), cpu_seconds()
        result = ocr.recognise(data, "pdf")
        print(
            row(
                "pypdfium2 + tesseract",
                attempt,
                f"{time.monotonic() - started_wall:.2f}",
                f"{cpu_seconds() - started_cpu:.2f}",
                len(result.text),
            )
        )
    try:
        import ocrmypdf  # noqa: F401  (not a dependency: compared when present)
    except ImportError:
        print("(OCRmyPDF is not installed: no comparison run)")
        return
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source, target = f"{folder}/in.pdf", f"{folder}/out.pdf"
        with open(source, "wb") as handle:
            handle.write(data)
        started_wall, started_cpu = time.monotonic(), cpu_seconds()
        command = [sys.executable, "-m", "ocrmypdf", "-q", "-l", "rus+eng", "--output-type", "pdf"]
        subprocess.run([*command, "--skip-text", "--optimize", "0", source, target], check=True)
        print(
            row(
                "OCRmyPDF --output-type pdf",
                1,
                f"{time.monotonic() - started_wall:.2f}",
                f"{cpu_seconds() - started_cpu:.2f}",
                "",
            )
        )


def memory_by_length() -> None:
    """Peak memory of a 1-, 5- and 20-page scan. Each scan is drawn here and
    read from a file by a fresh process, so only recognition counts in its
    peak. Each page is one `tesseract` process of its own, whose peak is the
    same for any length of scan: measured once on one page."""
    import tempfile

    from documents import ocr

    print("\n== peak memory by length of scan (image-only PDF, A4, 300 dpi): flat once a page is held")
    with tempfile.TemporaryDirectory() as folder:
        for pages in (1, 5, 20):
            path = f"{folder}/scan.pdf"
            with open(path, "wb") as handle:
                handle.write(a4_scan(pages))
            recognise_in_child(path)
        first_page = ocr._open_pdf(open(path, "rb").read())[0].render(scale=300 / 72).to_pil()
        first_page.save(f"{folder}/page.png", dpi=(300, 300))
        if shutil.which("time") or os.path.exists("/usr/bin/time"):
            measured = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "tesseract", f"{folder}/page.png", f"{folder}/out", "-l", "rus+eng"],
                capture_output=True,
                text=True,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                check=True,
            )
            print(f"one tesseract process (one page): peak {int(measured.stderr.split()[-1]) / 1024:.0f} MB")


def recognise_in_child(path: str) -> None:
    """Recognise the scan at ``path`` in a fresh process with Django set up
    but no database: what a worker holds."""
    # The peak is sampled (psutil) rather than read from ru_maxrss, which a
    # process started by fork inherits from its parent.
    script = (
        "import os, threading, time, django, psutil; "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'leanedu.settings'); "
        "django.setup(); from documents import ocr; me = psutil.Process(); "
        f"data = open({path!r}, 'rb').read(); base = me.memory_info().rss; peak = [base]; done = [] \n"
        "def watch():\n"
        "    while not done:\n"
        "        peak[0] = max(peak[0], me.memory_info().rss); time.sleep(0.02)\n"
        "threading.Thread(target=watch, daemon=True).start(); "
        "t = time.monotonic(); r = ocr.recognise(data, 'pdf'); w = time.monotonic() - t; done.append(1); "
        "print(f'{len(data) / 1e6:.1f} MB scan, {r.pages_recognised} pages in {w:.1f} s wall; '"
        "f'worker process peak {peak[0] / 2**20:.0f} MB (before recognition {base / 2**20:.0f} MB)')"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def search_with_recognised_text() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Value
    from django.db.models.functions import Concat
    from django.test import Client

    from documents import demo
    from documents.models import Document
    from leanedu.demo import SeedContext

    call_command("seed_demo", quiet_accounts=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo.SYNTHETIC_COUNT = 10_000
    demo.seed_region(SeedContext())
    synthetic = Document.objects.filter(number__startswith=demo.SYNTHETIC_NUMBER_PREFIX)
    original_text = (
        "Документ определяет порядок работы в образовательных организациях. Ответственным лицам "
        "обеспечить выполнение мероприятий и представить отчёт в установленный срок."
    )
    anonymous = Client()
    office = Client()
    office.force_login(get_user_model().objects.get(username="office"))
    for label, text in (("file text only", original_text), ("with a recognised page each", OCR_PAGE)):
        # Each document's text also names its own topic (its title), as real orders do.
        synthetic.update(file_text=Concat(Value(text + " "), "title"))  # the trigger refreshes the vectors
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_document")
        print(f"\n== {Document.objects.count()} documents, {label} (~{len(text)} characters per document)")
        print(row("search", "who", "queries", "p50 ms", "p95 ms"))
        for query in SEARCHES:
            for who, client in (("anonymous", anonymous), ("office", office)):
                url = f"/documents/?q={query}"
                p50, p95, _zero = time_requests(client, url)
                from bench_documents import count_queries

                print(row(f"«{query}»", who, count_queries(client, url), f"{p50:.1f}", f"{p95:.1f}"))


def main() -> None:
    setup_django("bench_ocr")
    from documents import ocr

    reason = ocr.unavailable_reason()
    if reason:
        print(f"recognition is not available here: {reason}")
        return
    per_page()
    memory_by_length()
    search_with_recognised_text()


if __name__ == "__main__":
    main()
