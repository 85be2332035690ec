"""A standard solution's materials as one file for the project office: a ZIP
with the passport as PDF and every attachment under its own name."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import PurePath

from fpdf import FPDF

from projects.models import Project

FONT = "PTSans"


def passport_pdf(project: Project) -> bytes:
    """The passport on A4: organisation, process, problem, goal, tools, metrics, results."""
    from indicators.pdf import _font_files

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, path in _font_files().items():
        pdf.add_font(FONT, style, path)
    pdf.set_lang("ru-RU")
    pdf.set_title(f"Паспорт проекта «{project.title}»")
    pdf.set_creator("leanedu")
    pdf.set_margins(18, 16, 18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text, size=12):
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def field(label, value):
        if not value:
            return
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(width, 5, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width, 5, str(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    heading("Паспорт бережливого проекта (типовое решение)", 14)
    heading(project.title, 12)
    field("Организация", project.organization.full_name or project.organization.short_name)
    process = project.process
    if project.process_first_step or project.process_last_step:
        process += f" (от «{project.process_first_step or '…'}» до «{project.process_last_step or '…'}»)"
    field("Процесс", process)
    field("Для кого процесс", project.customer_group)
    field("Проблема", project.problem)
    field("Цель", project.goal)
    field("Инструменты бережливого производства", ", ".join(t.name for t in project.tools.all()))
    field("Руководитель проекта", project.leader)
    field("Заказчик", project.sponsor)
    field("Риски", project.risks)
    field("Что сделано", project.results)
    metrics = list(project.metrics.all())
    if metrics:
        heading("Показатели проекта", 11)
        pdf.set_font(FONT, "", 9)
        with pdf.table(
            col_widths=(70, 20, 25, 25, 25), text_align=("LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT")
        ) as table:
            table.row(["Показатель", "Единица", "Было", "Цель", "Стало"])
            for m in metrics:
                table.row(
                    [
                        m.name,
                        m.unit,
                        _number(m.baseline_value),
                        _number(m.target_value),
                        _number(m.actual_value),
                    ]
                )
    return bytes(pdf.output())


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}".replace(".", ",")


def materials_zip(project: Project) -> str:
    """Write the ZIP into a temporary file; returns its path."""
    handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
    handle.close()
    used: set[str] = set()
    with zipfile.ZipFile(handle.name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Паспорт проекта.pdf", passport_pdf(project))
        used.add("Паспорт проекта.pdf")
        for attachment in project.attachments.order_by("kind", "pk"):
            name = PurePath(attachment.original_name).name or f"file-{attachment.pk}"
            name = f"{attachment.get_kind_display()} — {name}"
            while name in used:
                name = f"{attachment.pk}-{name}"
            used.add(name)
            try:
                with attachment.file.open("rb") as source:
                    archive.writestr(name, source.read())
            except FileNotFoundError:
                continue
    return handle.name
