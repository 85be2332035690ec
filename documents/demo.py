"""Demo data of the registry: the five documents of the office's page with
their real requisites, relations and a small generated file each; and, for
benchmarks, 10,000 synthetic documents (``seed_demo --region``)."""

from __future__ import annotations

import datetime as dt
import glob
import io
import logging
import os
import random

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from documents import services
from documents.models import Document, DocumentKind, DocumentStatus, RelationKind, Tag
from leanedu.demo import REGION_MINISTRY, TROITSK_DEPARTMENT

REGION_GENITIVE = "Министерства образования и науки Челябинской области"
TROITSK_GENITIVE = "Управления образования администрации города Троицка"

# (key, kind slug, authority, number, date, title, summary, tags)
SEED_DOCUMENTS = [
    (
        "0172488",
        "prikaz",
        REGION_MINISTRY,
        "0172488",
        dt.date(2021, 9, 30),
        "О внедрении бережливых технологий в системе образования Челябинской области",
        "Приказ регионального министерства о внедрении бережливых технологий в системе образования "
        "Челябинской области: муниципальным органам управления образованием поручено организовать "
        "внедрение бережливых технологий в подведомственных образовательных организациях.",
        ["бережливые технологии"],
    ),
    (
        "460",
        "rasporyazhenie",
        TROITSK_DEPARTMENT,
        "460",
        dt.date(2021, 9, 30),
        "О создании проектного офиса по внедрению бережливых технологий в системе образования города Троицка",
        "Распоряжение о создании проектного офиса, который координирует внедрение бережливых технологий "
        "в школах и детских садах города Троицка.",
        ["бережливые технологии", "проектный офис"],
    ),
    (
        "488-р",
        "rasporyazhenie",
        TROITSK_DEPARTMENT,
        "488-р",
        dt.date(2021, 10, 12),
        "О внедрении бережливых технологий в системе образования города Троицка",
        "Распоряжение о внедрении бережливых технологий в образовательных организациях города Троицка "
        "во исполнение регионального приказа.",
        ["бережливые технологии"],
    ),
    (
        "0173307",
        "prikaz",
        REGION_MINISTRY,
        "0173307",
        dt.date(2021, 12, 29),
        "Об утверждении целевых показателей результативности внедрения бережливых технологий в органах "
        "местного самоуправления Челябинской области, осуществляющих управление в сфере образования",
        "Приказ утверждает целевые показатели результативности внедрения бережливых технологий, по которым "
        "муниципальные органы управления образованием отчитываются о ходе работы.",
        ["бережливые технологии", "целевые показатели"],
    ),
    (
        "137-р",
        "rasporyazhenie",
        TROITSK_DEPARTMENT,
        "137-р",
        dt.date(2022, 3, 15),
        "О создании опорных площадок по внедрению бережливых технологий",
        "Распоряжение о создании на базе образовательных организаций города Троицка опорных площадок "
        "по внедрению бережливых технологий.",
        ["бережливые технологии", "опорные площадки"],
    ),
]

# The Troitsk directives implement the regional order 0172488.
SEED_RELATIONS = [
    ("460", RelationKind.IMPLEMENTS, "0172488"),
    ("488-р", RelationKind.IMPLEMENTS, "0172488"),
    ("137-р", RelationKind.IMPLEMENTS, "0172488"),
]

TAG_SLUGS = {
    "бережливые технологии": "berezhlivye-tehnologii",
    "проектный офис": "proektnyj-ofis",
    "целевые показатели": "celevye-pokazateli",
    "опорные площадки": "opornye-ploshchadki",
}

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
]
FONT_GLOBS = ["/usr/share/fonts/**/DejaVuSans.ttf", "/usr/share/fonts/**/LiberationSans-Regular.ttf"]

SYNTHETIC_NUMBER_PREFIX = "СИН-"
SYNTHETIC_COUNT = 10_000


def find_cyrillic_font() -> str | None:
    """A TrueType font with Cyrillic glyphs: DEMO_PDF_FONT, else a usual system one."""
    explicit = settings.DEMO_PDF_FONT
    if explicit and os.path.exists(explicit):
        return explicit
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    for pattern in FONT_GLOBS:
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def demo_file(requisites: str, title: str, summary: str) -> tuple[str, bytes]:
    """A small file with the document's requisites and summary, marked as a
    demo. A PDF when a Cyrillic font is on the machine (fpdf2 ships none);
    otherwise a DOCX, which needs no font and is searched the same way."""
    lines = [
        requisites,
        "",
        summary,
        "",
        "Демонстрационный файл портала: краткое изложение документа, а не его официальный текст.",
    ]
    font = find_cyrillic_font()
    if font:
        from fpdf import FPDF

        logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter

        pdf = FPDF(format="A4")
        pdf.set_title(title[:200])
        pdf.add_page()
        pdf.add_font("cyr", fname=font)
        pdf.set_font("cyr", size=12)
        for line in lines:
            pdf.multi_cell(0, 7, line or " ", new_x="LMARGIN", new_y="NEXT")
        return "pdf", bytes(pdf.output())
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return "docx", buffer.getvalue()


# The order that ships as a scan, so that `make run` shows a recognised one.
SCANNED_KEY = "0172488"
SCAN_BODY = [
    "В целях повышения качества и доступности образования, эффективности",
    "деятельности образовательных организаций Челябинской области",
    "ПРИКАЗЫВАЮ:",
    "1. Внедрить бережливые технологии в деятельность органов местного",
    "самоуправления, осуществляющих управление в сфере образования,",
    "и подведомственных им образовательных организаций.",
    "2. Руководителям муниципальных органов управления образованием",
    "организовать работу проектных офисов в подведомственных организациях.",
    "3. Контроль исполнения настоящего приказа оставляю за собой.",
    "",
    "Демонстрационный файл портала: скан, а не официальный текст приказа.",
]


def demo_scan(requisites: str, title: str) -> tuple[str, bytes] | None:
    """An image-only PDF of an order, as a scanner makes it: a picture of the
    page at 300 dpi with no text layer. None without a Cyrillic font."""
    font_path = find_cyrillic_font()
    if not font_path:
        return None
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    dpi, width, height = 300, 2480, 3508  # A4
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    heading = ImageFont.truetype(font_path, 46)
    body = ImageFont.truetype(font_path, 40)
    y = 260
    for line in [
        "МИНИСТЕРСТВО ОБРАЗОВАНИЯ И НАУКИ",
        "ЧЕЛЯБИНСКОЙ ОБЛАСТИ",
        "",
        "ПРИКАЗ",
        *textwrap.wrap(requisites, 56),
        "",
    ]:
        if line:
            left = (width - draw.textlength(line, font=heading)) / 2
            draw.text((left, y), line, font=heading, fill=0)
        y += 80
    for line in textwrap.wrap(title, 60) + [""] + SCAN_BODY:
        draw.text((240, y), line, font=body, fill=0)
        y += 70
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=dpi)
    return "pdf", buffer.getvalue()


def seed(ctx) -> None:
    # The generated files carry the Russian requisites line whatever the shell's language.
    with translation.override("ru"):
        _seed(ctx)


def _seed(ctx) -> None:
    kinds = {k.slug: k for k in DocumentKind.objects.all()}
    tags = {}
    for name, slug in TAG_SLUGS.items():
        tags[name], _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    by_key: dict[str, Document] = {}
    for key, kind_slug, authority_name, number, date_signed, title, summary, tag_names in SEED_DOCUMENTS:
        authority = ctx.org(authority_name)
        kind = kinds[kind_slug]
        document = Document.objects.filter(
            authority=authority, kind=kind, number=number, date_signed=date_signed
        ).first()
        if document is None:
            document = services.document_create(
                actor=None,
                kind=kind,
                authority=authority,
                authority_genitive=REGION_GENITIVE if authority_name == REGION_MINISTRY else TROITSK_GENITIVE,
                number=number,
                date_signed=date_signed,
                effective_from=date_signed,
                title=title,
                summary=summary,
                tags=[tags[n] for n in tag_names],
            )
        if not document.files.exists():
            scan = demo_scan(document.requisites, title) if key == SCANNED_KEY else None
            extension, data = scan or demo_file(document.requisites, title, summary)
            label = "Текст приказа" if kind_slug == "prikaz" else "Текст распоряжения"
            services.document_file_add(
                actor=None,
                document=document,
                title=label,
                upload=ContentFile(data, name=f"{kind_slug}-{number}.{extension}"),
            )
        by_key[key] = document
    for source_key, kind, target_key in SEED_RELATIONS:
        source, target = by_key[source_key], by_key[target_key]
        if not source.outgoing_relations.filter(kind=kind, target=target).exists():
            services.relation_add(actor=None, source=source, kind=kind, target=target)
    ctx.log(f"documents: {Document.objects.count()} in the registry")


TOPICS = [
    ("картирование потока создания ценности", "картированию потока создания ценности"),
    ("организация рабочего пространства по системе 5S", "организации рабочего пространства по системе 5S"),
    ("визуализация процессов", "визуализации процессов"),
    ("стандартизация работы", "стандартизации работы"),
    ("сокращение потерь времени при приёме детей", "сокращению потерь времени при приёме детей"),
    ("проектное управление", "проектному управлению"),
    ("бережливые технологии", "бережливым технологиям"),
    ("наставничество", "наставничеству"),
    ("питание обучающихся", "организации питания обучающихся"),
    ("электронный документооборот", "электронному документообороту"),
]
TITLE_TEMPLATES = [
    "Об утверждении плана мероприятий по {t}",
    "О проведении семинара по {t}",
    "Об итогах мониторинга: {n}",
    "О создании рабочей группы по {t}",
    "Об утверждении положения о конкурсе по {t}",
    "О внесении изменений в план работы: {n}",
]


@transaction.atomic
def seed_region(ctx) -> None:
    """10,000 synthetic documents spread over the region's authorities; one
    bulk insert (the trigger fills the search vectors as rows go in)."""
    existing = Document.objects.filter(number__startswith=SYNTHETIC_NUMBER_PREFIX).count()
    if existing >= SYNTHETIC_COUNT:
        ctx.log(f"documents (region): {existing} synthetic documents already there")
        return
    from leanedu.models import Organization

    authorities = list(
        Organization.objects.filter(kind__in=["region", "municipal"]).order_by("pk").values_list("pk", flat=True)
    )
    kinds = list(DocumentKind.objects.order_by("pk"))
    statuses = [DocumentStatus.IN_FORCE] * 6 + [DocumentStatus.AMENDED, DocumentStatus.REPEALED, DocumentStatus.DRAFT]
    rng = random.Random(20211012)
    rows = []
    for i in range(existing, SYNTHETIC_COUNT):
        nominative, dative = TOPICS[rng.randrange(len(TOPICS))]
        template = TITLE_TEMPLATES[rng.randrange(len(TITLE_TEMPLATES))]
        date_signed = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
        authority = authorities[i % len(authorities)]
        rows.append(
            Document(
                kind=kinds[i % len(kinds)],
                authority_id=authority,
                number=f"{SYNTHETIC_NUMBER_PREFIX}{i:05d}",
                date_signed=date_signed,
                effective_from=date_signed,
                title=template.format(t=dative, n=nominative),
                summary=f"Синтетический документ для проверки производительности. Тема: {nominative}.",
                file_text=(
                    f"Документ определяет порядок работы по теме «{nominative}» в образовательных организациях. "
                    "Ответственным лицам обеспечить выполнение мероприятий и представить отчёт в установленный срок."
                ),
                status=statuses[i % len(statuses)],
                is_public=i % 10 != 0,
            )
        )
    Document.objects.bulk_create(rows, batch_size=2000)
    ctx.log(f"documents (region): {len(rows)} synthetic documents added")
