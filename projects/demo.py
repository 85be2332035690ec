"""Demo data of pilot sites and projects: the Troitsk set, and a synthetic
region of 20,000 projects for benchmarks. Both idempotent."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from leanedu.demo import REGION_MINISTRY, SYNTHETIC_PREFIX
from leanedu.models import Organization
from projects.models import (
    AttachmentKind,
    Direction,
    LeanTool,
    PilotSite,
    PilotSiteLevel,
    Project,
    ProjectAttachment,
    ProjectMetric,
    ProjectStage,
    ProjectStatus,
    ProjectTransition,
    TeamMember,
)

LEAN_TOOLS = [
    ("5S", "Сортировка, соблюдение порядка, содержание в чистоте, стандартизация, совершенствование."),
    ("Картирование потока создания ценности", "Карта текущего и целевого состояния процесса."),
    ("Стандартизация работы", "Единый понятный порядок выполнения операций."),
    ("Визуализация", "Информационные стенды, разметка, указатели, доски задач."),
    ("Канбан", "Вытягивающая система пополнения запасов и задач."),
    ("Защита от непреднамеренных ошибок", "Пока-ёкэ: устройства и правила, не дающие ошибиться."),
    ("Быстрая переналадка", "SMED: сокращение времени на переход от одной работы к другой."),
    ("Диаграмма спагетти", "Схема перемещений людей и документов."),
    ("Хронометраж", "Замер времени операций для поиска потерь."),
    ("Диаграмма Исикавы", "Поиск коренных причин проблемы."),
    ("Пять «почему»", "Последовательные вопросы для поиска коренной причины."),
    ("Точно вовремя", "Выполнение работы тогда, когда она нужна, и в нужном объёме."),
]

DOCUMENT_NUMBER = "137-р"
DOCUMENT_TITLE = "О создании опорных площадок по внедрению бережливых технологий"

PILOT_SITES = [
    # short name, level, starts, ends, focus areas
    (
        "МАОУ «СОШ № 13»",
        PilotSiteLevel.REGIONAL,
        date(2022, 3, 15),
        None,
        "Бережливая школа: 5S в учебных кабинетах\nСтандартизация подготовки контрольных работ",
    ),
    (
        "МДОУ «Детский сад № 4»",
        PilotSiteLevel.MUNICIPAL,
        date(2022, 3, 15),
        None,
        "Адаптация детей раннего возраста\nВизуализация в группах",
    ),
    (
        "МОУ «Гимназия № 23»",
        PilotSiteLevel.MUNICIPAL,
        date(2022, 3, 15),
        None,
        "Приём документов\nЭлектронный документооборот",
    ),
    (
        "МОУ «Лицей № 17»",
        PilotSiteLevel.MUNICIPAL,
        date(2022, 3, 15),
        None,
        "5S в лабораториях и кабинетах естественных наук",
    ),
    ("МОУ «ООШ № 5»", PilotSiteLevel.MUNICIPAL, date(2022, 3, 15), date(2023, 8, 31), "Организация питания"),
]

# org, title, status, stage, replicable, passport, metrics [(name, unit, direction, before, goal, after)], tools
PROJECTS = [
    (
        "МАОУ «СОШ № 13»",
        "Сокращение времени подготовки контрольных работ",
        ProjectStatus.COMPLETED,
        ProjectStage.REPLICATION,
        True,
        {
            "process": "Подготовка контрольно-измерительных материалов",
            "process_first_step": "Учитель получает тему контрольной работы",
            "process_last_step": "Распечатанные варианты лежат в кабинете",
            "customer_group": "Учителя, обучающиеся",
            "problem": "Учитель тратит больше часа на подготовку одной контрольной работы: ищет задания в разных источниках, ждёт очереди к принтеру, переделывает варианты.",
            "goal": "Сократить время подготовки одной контрольной работы до 30 минут к маю 2024 года.",
            "leader": "Соколова Марина Викторовна, заместитель директора по УВР",
            "sponsor": "Директор школы",
            "results": "Создан общий банк заданий по предметам, введён стандарт оформления вариантов, печать по графику через методический кабинет.",
            "planned_start": date(2023, 9, 1),
            "planned_end": date(2024, 5, 31),
            "actual_start": date(2023, 9, 4),
            "actual_end": date(2024, 5, 20),
        },
        [("Время подготовки одной контрольной работы", "мин", "lower", 67, 30, 29)],
        ["Картирование потока создания ценности", "Стандартизация работы", "Хронометраж"],
    ),
    (
        "МДОУ «Детский сад № 4»",
        "Адаптация ребёнка к детскому саду без стресса",
        ProjectStatus.COMPLETED,
        ProjectStage.CONSOLIDATION,
        True,
        {
            "process": "Адаптация ребёнка раннего возраста к детскому саду",
            "process_first_step": "Заключение договора с родителями",
            "process_last_step": "Ребёнок спокойно остаётся в группе на весь день",
            "customer_group": "Дети раннего возраста и их родители",
            "problem": "Адаптационный период длится до 50 дней, дети часто болеют, родители тревожатся.",
            "goal": "Сократить адаптационный период до 30 дней.",
            "leader": "Морозова Татьяна Андреевна, старший воспитатель",
            "sponsor": "Заведующий детским садом",
            "results": "Введены встречи с родителями до поступления, памятки, гибкий график первых недель, визуальное расписание дня в группе.",
            "planned_start": date(2023, 6, 1),
            "planned_end": date(2023, 12, 29),
            "actual_start": date(2023, 6, 1),
            "actual_end": date(2023, 12, 25),
        },
        [
            ("Продолжительность адаптационного периода", "дней", "lower", 50, 30, 30),
            ("Доля детей с лёгкой адаптацией", "%", "higher", 55, 80, 86),
        ],
        ["Визуализация", "Стандартизация работы", "Пять «почему»"],
    ),
    (
        "МОУ «СОШ № 15»",
        "Утренний вход в школу без очереди",
        ProjectStatus.IN_PROGRESS,
        ProjectStage.IMPLEMENTATION,
        False,
        {
            "process": "Утренний проход обучающихся в здание",
            "process_first_step": "Обучающийся подходит к входу",
            "process_last_step": "Обучающийся в раздевалке",
            "customer_group": "Обучающиеся 1–11 классов, родители",
            "problem": "С 7:45 до 8:00 у турникетов очередь, дети опаздывают на первый урок.",
            "goal": "Сократить время ожидания у входа до 3 минут.",
            "leader": "Иванов Сергей Петрович, заместитель директора по безопасности",
            "sponsor": "Директор школы",
            "planned_start": date(2025, 9, 1),
            "planned_end": date(2026, 5, 29),
            "actual_start": date(2025, 9, 8),
        },
        [
            ("Время ожидания у входа в час пик", "мин", "lower", 12, 3, None),
            ("Опоздания на первый урок за неделю", "случаев", "lower", 46, 10, None),
        ],
        ["Диаграмма спагетти", "Хронометраж", "Визуализация"],
    ),
    (
        "МОУ «Гимназия № 23»",
        "Приём документов в первый класс",
        ProjectStatus.APPROVED,
        ProjectStage.TARGET_STATE,
        False,
        {
            "process": "Приём заявлений о зачислении в первый класс",
            "process_first_step": "Родитель приходит с документами",
            "process_last_step": "Родитель получает расписку",
            "customer_group": "Родители будущих первоклассников",
            "problem": "Оформление одного заявления занимает 40 минут, в апреле в коридоре очередь.",
            "goal": "Оформлять заявление за 15 минут, принимать по предварительной записи.",
            "leader": "Кузьмина Ольга Николаевна, секретарь",
            "sponsor": "Директор гимназии",
            "planned_start": date(2026, 1, 12),
            "planned_end": date(2026, 6, 30),
        },
        [("Время оформления одного заявления", "мин", "lower", 40, 15, None)],
        ["Картирование потока создания ценности", "Защита от непреднамеренных ошибок"],
    ),
    (
        "МОУ «Лицей № 17»",
        "5S в кабинете химии",
        ProjectStatus.COMPLETED,
        ProjectStage.REPLICATION,
        True,
        {
            "process": "Подготовка лабораторной работы",
            "process_first_step": "Учитель выбирает реактивы и оборудование",
            "process_last_step": "Оборудование на столах обучающихся",
            "customer_group": "Учителя химии, обучающиеся",
            "problem": "Поиск реактивов и посуды занимает до 7 минут на каждый урок.",
            "goal": "Сократить поиск до 2 минут.",
            "leader": "Белова Анна Сергеевна, учитель химии",
            "sponsor": "Директор лицея",
            "results": "Проведены 5S, маркировка шкафов, теневые доски для посуды, стандарт подготовки лабораторной работы.",
            "planned_start": date(2024, 9, 2),
            "planned_end": date(2025, 3, 31),
            "actual_start": date(2024, 9, 2),
            "actual_end": date(2025, 3, 14),
        },
        [
            ("Время поиска реактивов и посуды", "мин", "lower", Decimal("7"), Decimal("2"), Decimal("1.5")),
            ("Лабораторных работ в четверть", "шт.", "higher", 6, 8, 9),
        ],
        ["5S", "Визуализация", "Стандартизация работы"],
    ),
    (
        "МОУ «СОШ № 7»",
        "Выдача учебников в школьной библиотеке",
        ProjectStatus.SUBMITTED,
        ProjectStage.DIAGNOSTICS,
        False,
        {
            "process": "Выдача учебников в начале учебного года",
            "customer_group": "Обучающиеся, классные руководители",
            "problem": "Выдача комплекта учебников на класс занимает 45 минут, классы ждут в коридоре.",
            "goal": "Выдавать комплект на класс за 15 минут.",
            "leader": "Смирнова Наталья Ивановна, педагог-библиотекарь",
            "planned_start": date(2026, 3, 1),
            "planned_end": date(2026, 9, 30),
        },
        [("Время выдачи комплекта на класс", "мин", "lower", 45, 15, None)],
        ["Канбан", "Хронометраж"],
    ),
    (
        "МОУ «СОШ № 10»",
        "Очередь в школьной столовой",
        ProjectStatus.RETURNED,
        ProjectStage.DIAGNOSTICS,
        False,
        {
            "process": "Обед обучающихся начальной школы",
            "customer_group": "Обучающиеся 1–4 классов",
            "problem": "На большой перемене дети стоят в очереди и не успевают поесть.",
            "goal": "Сократить очередь.",
            "leader": "Петрова Галина Михайловна, социальный педагог",
            "planned_start": date(2026, 2, 1),
            "planned_end": date(2026, 5, 29),
        },
        [("Время в очереди", "мин", "lower", 11, 4, None)],
        ["Диаграмма спагетти"],
    ),
    (
        "МДОУ «Детский сад № 16»",
        "Утренний приём детей в группе",
        ProjectStatus.DRAFT,
        ProjectStage.PREPARATION,
        False,
        {
            "process": "Утренний приём детей",
            "problem": "Воспитатель с 7:00 до 8:00 одновременно принимает детей и отвечает родителям, заполнение журнала задерживается.",
        },
        [],
        [],
    ),
    (
        "МУ ДО «Дом детского творчества»",
        "Запись в творческие объединения",
        ProjectStatus.IN_PROGRESS,
        ProjectStage.IMPLEMENTATION,
        False,
        {
            "process": "Запись ребёнка в кружок",
            "process_first_step": "Родитель узнаёт о кружке",
            "process_last_step": "Ребёнок пришёл на первое занятие",
            "customer_group": "Родители, дети 5–18 лет",
            "problem": "Запись идёт только очно, родителям приходится приходить дважды.",
            "goal": "Записывать через портал за один визит или без визита.",
            "leader": "Орлова Юлия Валерьевна, методист",
            "sponsor": "Директор ДДТ",
            "planned_start": date(2025, 5, 1),
            "planned_end": date(2025, 12, 26),
            "actual_start": date(2025, 5, 12),
        },
        [("Визитов родителя для записи", "раз", "lower", 2, 1, Decimal("1.2"))],
        ["Картирование потока создания ценности", "Точно вовремя"],
    ),
    (
        "МАОУ «СОШ № 13»",
        "Заполнение электронного журнала без задержек",
        ProjectStatus.DRAFT,
        ProjectStage.PREPARATION,
        False,
        {
            "process": "Выставление отметок в электронный журнал",
            "problem": "Отметки появляются в журнале через несколько дней после урока.",
        },
        [("Отметок, выставленных в день урока", "%", "higher", 48, 95, None)],
        ["Пять «почему»"],
    ),
]

TEAM = [("Соколова М. В.", "руководитель проекта"), ("Ефимова Л. А.", "учитель"), ("Кравец Д. О.", "учитель")]


def seed(ctx) -> None:
    tools = _seed_tools()
    document = _designating_document(ctx)
    _seed_pilot_sites(ctx, document)
    office = get_user_model().objects.filter(username="office").first()
    created = 0
    for row in PROJECTS:
        created += _seed_project(row, tools, office)
    repeated = _seed_replications(office)
    ctx.log(
        f"projects: {len(LEAN_TOOLS)} lean tools, {len(PILOT_SITES)} pilot sites, {created} new projects, "
        f"{repeated} new replications"
    )


def _seed_tools() -> dict[str, LeanTool]:
    tools = {}
    for order, (name, description) in enumerate(LEAN_TOOLS, start=1):
        tool, _created = LeanTool.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10}
        )
        tools[name] = tool
    return tools


def _designating_document(ctx):
    """Распоряжение № 137-р: from the registry's seed if it is there, else
    created here with the same requisites, so both seeds agree."""
    from documents.models import Document, DocumentStatus

    document = Document.objects.filter(number=DOCUMENT_NUMBER).first()
    if document is None:
        document, _created = Document.objects.get_or_create(
            authority=ctx.troitsk(),
            number=DOCUMENT_NUMBER,
            date_signed=date(2022, 3, 15),
            defaults={
                "title": DOCUMENT_TITLE,
                "status": DocumentStatus.IN_FORCE,
                "effective_from": date(2022, 3, 15),
            },
        )
    return document


def _seed_pilot_sites(ctx, document) -> None:
    for short_name, level, starts_on, ends_on, focus in PILOT_SITES:
        PilotSite.objects.get_or_create(
            organization=ctx.org(short_name),
            document=document,
            defaults={"level": level, "starts_on": starts_on, "ends_on": ends_on, "focus_areas": focus},
        )


def _seed_project(row, tools, office) -> int:
    org_name, title, status, stage, replicable, passport, metrics, tool_names = row
    organization = Organization.objects.get(short_name=org_name)
    if Project.objects.filter(organization=organization, title=title).exists():
        return 0
    from projects.services import project_create_draft

    project = project_create_draft(
        actor=None,
        organization=organization,
        title=title,
        stage=stage,
        is_replicable=replicable,
        tools=[tools[name] for name in tool_names],
        **passport,
    )
    for name, unit, direction, before, goal, after in metrics:
        ProjectMetric.objects.create(
            project=project,
            name=name,
            unit=unit,
            direction=Direction(direction),
            baseline_value=before,
            baseline_date=passport.get("planned_start"),
            target_value=goal,
            actual_value=after,
            actual_date=passport.get("actual_end") if after is not None else None,
        )
    if passport.get("leader"):
        for name, role in TEAM:
            TeamMember.objects.create(project=project, name=name, role=role)
    # Demo history: the path a real project takes, recorded as the office's.
    path = {
        ProjectStatus.DRAFT: [],
        ProjectStatus.SUBMITTED: [ProjectStatus.SUBMITTED],
        ProjectStatus.RETURNED: [ProjectStatus.SUBMITTED, ProjectStatus.RETURNED],
        ProjectStatus.APPROVED: [ProjectStatus.SUBMITTED, ProjectStatus.APPROVED],
        ProjectStatus.IN_PROGRESS: [ProjectStatus.SUBMITTED, ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS],
        ProjectStatus.COMPLETED: [
            ProjectStatus.SUBMITTED,
            ProjectStatus.APPROVED,
            ProjectStatus.IN_PROGRESS,
            ProjectStatus.COMPLETED,
        ],
    }[status]
    # Dated as the passport says, so that past periods count what was true then.
    planned = passport.get("planned_start")
    dated = {
        ProjectStatus.SUBMITTED: planned - timedelta(days=21) if planned else None,
        ProjectStatus.RETURNED: planned - timedelta(days=14) if planned else None,
        ProjectStatus.APPROVED: planned - timedelta(days=7) if planned else None,
        ProjectStatus.IN_PROGRESS: passport.get("actual_start") or planned,
        ProjectStatus.COMPLETED: passport.get("actual_end"),
    }
    previous = ProjectStatus.DRAFT
    for step in path:
        comment = ""
        if step == ProjectStatus.RETURNED:
            comment = "Уточните цель: сколько минут в очереди должно остаться и к какой дате. Добавьте хронометраж текущего состояния."
        transition = ProjectTransition.objects.create(
            project=project,
            from_status=previous,
            to_status=step,
            actor=None if step == ProjectStatus.SUBMITTED else office,
            comment=comment,
        )
        day = dated.get(step)
        if day and day < timezone.localdate():
            at = timezone.make_aware(datetime.combine(day, time(11, 0)))
            ProjectTransition.objects.filter(pk=transition.pk).update(created_at=at)
        previous = step
    Project.objects.filter(pk=project.pk).update(
        status=status,
        review_comment=comment if path else "",
        submitted_at=timezone.now() if path else None,
    )
    if status in (ProjectStatus.COMPLETED, ProjectStatus.IN_PROGRESS):
        _attach_photos(project, done=status == ProjectStatus.COMPLETED)
    return 1


# Standard solutions repeated in other schools («Повторить у себя»), so that
# BT-19 and the source's card show something in the demo: (source organisation,
# source title, the organisation that repeats it, approval date of the copy,
# its status). Approvals in 2024, 2025 and 2026 give each year its own count.
REPLICATIONS = [
    (
        "МАОУ «СОШ № 13»",
        "Сокращение времени подготовки контрольных работ",
        "МОУ «СОШ № 15»",
        date(2024, 10, 7),
        ProjectStatus.COMPLETED,
    ),
    (
        "МАОУ «СОШ № 13»",
        "Сокращение времени подготовки контрольных работ",
        "МОУ «Гимназия № 23»",
        date(2025, 2, 17),
        ProjectStatus.IN_PROGRESS,
    ),
    ("МОУ «Лицей № 17»", "5S в кабинете химии", "МОУ «СОШ № 7»", date(2025, 9, 15), ProjectStatus.IN_PROGRESS),
    (
        "МДОУ «Детский сад № 4»",
        "Адаптация ребёнка к детскому саду без стресса",
        "МДОУ «Детский сад № 16»",
        date(2026, 3, 2),
        ProjectStatus.APPROVED,
    ),
    ("МОУ «Лицей № 17»", "5S в кабинете химии", "МОУ «СОШ № 10»", None, ProjectStatus.SUBMITTED),
]


def _seed_replications(office) -> int:
    """Copies of standard solutions, made as «Повторить у себя» makes them
    (title, passport, tools, metrics without values, linked to the source),
    then submitted and approved on the dates above."""
    from projects.services import copy_of_standard_solution

    created = 0
    for source_org, title, org_name, approved_on, status in REPLICATIONS:
        source = Project.objects.filter(organization__short_name=source_org, title=title, is_replicable=True).first()
        organization = Organization.objects.filter(short_name=org_name).first()
        if (
            source is None
            or organization is None
            or Project.objects.filter(source=source, organization=organization).exists()
        ):
            continue
        copy = copy_of_standard_solution(actor=None, source=source, organization=organization)
        path = [ProjectStatus.SUBMITTED]
        if status != ProjectStatus.SUBMITTED:
            path.append(ProjectStatus.APPROVED)
        if status in (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED):
            path.append(ProjectStatus.IN_PROGRESS)
        if status == ProjectStatus.COMPLETED:
            path.append(ProjectStatus.COMPLETED)
        day = approved_on or timezone.localdate()
        dated = {
            ProjectStatus.SUBMITTED: day - timedelta(days=14),
            ProjectStatus.APPROVED: day,
            ProjectStatus.IN_PROGRESS: day + timedelta(days=7),
            ProjectStatus.COMPLETED: day + timedelta(days=150),
        }
        previous = ProjectStatus.DRAFT
        for step in path:
            transition = ProjectTransition.objects.create(
                project=copy,
                from_status=previous,
                to_status=step,
                actor=None if step == ProjectStatus.SUBMITTED else office,
            )
            if dated[step] < timezone.localdate():
                at = timezone.make_aware(datetime.combine(dated[step], time(11, 0)))
                ProjectTransition.objects.filter(pk=transition.pk).update(created_at=at)
            previous = step
        Project.objects.filter(pk=copy.pk).update(
            status=status,
            stage={
                ProjectStatus.COMPLETED: ProjectStage.CONSOLIDATION,
                ProjectStatus.IN_PROGRESS: ProjectStage.IMPLEMENTATION,
            }.get(status, ProjectStage.PREPARATION),
            submitted_at=timezone.make_aware(datetime.combine(dated[ProjectStatus.SUBMITTED], time(11, 0))),
            planned_start=dated[ProjectStatus.IN_PROGRESS] if status != ProjectStatus.SUBMITTED else None,
            actual_start=dated[ProjectStatus.IN_PROGRESS]
            if status in (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)
            else None,
            actual_end=dated[ProjectStatus.COMPLETED] if status == ProjectStatus.COMPLETED else None,
        )
        created += 1
    return created


def _attach_photos(project: Project, *, done: bool) -> None:
    kinds = [AttachmentKind.PHOTO_BEFORE] + ([AttachmentKind.PHOTO_AFTER] if done else [])
    for kind in kinds:
        data = _demo_image(seed=project.pk, tidy=kind == AttachmentKind.PHOTO_AFTER)
        attachment = ProjectAttachment(
            project=project,
            kind=kind,
            original_name=f"{kind}.jpg",
            content_type="image/jpeg",
            size=len(data),
            caption="до изменений" if kind == AttachmentKind.PHOTO_BEFORE else "после изменений",
        )
        attachment.file.save(f"{kind}.jpg", ContentFile(data), save=False)
        attachment.save()


def _demo_image(*, seed: int, tidy: bool) -> bytes:
    """A drawn «photo»: scattered boxes before, neat labelled shelves after."""
    rng = random.Random(seed * 2 + tidy)
    image = Image.new("RGB", (640, 480), (236, 231, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 360, 640, 480], fill=(190, 170, 140))
    palette = [(200, 70, 60), (60, 120, 190), (240, 190, 60), (90, 160, 90), (150, 100, 170)]
    if tidy:
        for shelf in range(3):
            y = 60 + shelf * 100
            draw.rectangle([40, y + 70, 600, y + 78], fill=(120, 90, 60))
            for i in range(8):
                x = 50 + i * 68
                draw.rectangle([x, y + 10, x + 56, y + 70], fill=palette[shelf % len(palette)], outline=(40, 40, 40))
                draw.rectangle([x + 12, y + 30, x + 44, y + 42], fill=(255, 255, 255))
    else:
        for _ in range(40):
            x, y = rng.randint(0, 580), rng.randint(40, 420)
            w, h = rng.randint(20, 80), rng.randint(15, 60)
            draw.rectangle([x, y, x + w, y + h], fill=rng.choice(palette), outline=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


# --- a synthetic region --------------------------------------------------------------------

REGION_PROJECTS = 20_000
REGION_PROJECTS_PER_ORG = 10
REGION_STATUSES = (
    [ProjectStatus.COMPLETED] * 6
    + [ProjectStatus.IN_PROGRESS] * 5
    + [ProjectStatus.APPROVED] * 3
    + [ProjectStatus.SUBMITTED] * 2
    + [ProjectStatus.RETURNED]
    + [ProjectStatus.DRAFT] * 2
    + [ProjectStatus.CANCELLED]
)
REGION_TITLES = [
    "Сокращение времени подготовки контрольных работ",
    "Утренний вход без очереди",
    "5S в учебном кабинете",
    "Приём документов в первый класс",
    "Адаптация ребёнка к детскому саду",
    "Организация питания без очередей",
    "Выдача учебников в библиотеке",
    "Запись в кружки за один визит",
]


def seed_region(ctx) -> None:
    """20,000 projects over the synthetic region's organisations, by bulk inserts."""
    region = Organization.objects.get(short_name=REGION_MINISTRY, parent=None)
    orgs = list(
        Organization.objects.filter(municipality__parent=region, municipality__short_name__startswith=SYNTHETIC_PREFIX)
        .education()
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    if not orgs:
        ctx.log("projects (region): no synthetic organisations")
        return
    # 20,000 for the 45-municipality benchmark region (~10 per organisation);
    # a small test region gets ten per organisation, not 20,000 on a handful.
    total = min(REGION_PROJECTS, len(orgs) * REGION_PROJECTS_PER_ORG)
    existing = Project.objects.filter(organization_id__in=orgs).count()
    missing = total - existing
    if missing <= 0:
        ctx.log(f"projects (region): {existing} projects already there")
        return
    tools = list(LeanTool.objects.values_list("pk", flat=True))
    rng = random.Random(45)
    today = date(2026, 9, 1)
    batch = 2000
    for start in range(existing, total, batch):
        projects = []
        for n in range(start, min(start + batch, total)):
            status = REGION_STATUSES[n % len(REGION_STATUSES)]
            planned_start = today - timedelta(days=rng.randint(30, 900))
            projects.append(
                Project(
                    organization_id=orgs[n % len(orgs)],
                    title=f"{REGION_TITLES[n % len(REGION_TITLES)]} (№ {n + 1})",
                    status=status,
                    stage=list(ProjectStage)[n % len(ProjectStage)],
                    problem="Потери времени в процессе; синтетические данные для нагрузочного теста.",
                    goal="Сократить время процесса вдвое.",
                    leader="Ответственный сотрудник",
                    planned_start=planned_start,
                    planned_end=planned_start + timedelta(days=180),
                    # No status log in bulk: a completed project is dated by its actual end.
                    actual_end=min(planned_start + timedelta(days=120 + n % 90), today)
                    if status == ProjectStatus.COMPLETED
                    else None,
                    is_replicable=n % 17 == 0,
                )
            )
        created = Project.objects.bulk_create(projects)
        metrics = []
        links = []
        Through = Project.tools.through
        for project in created:
            before = Decimal(rng.randint(20, 90))
            done = project.status == ProjectStatus.COMPLETED
            metrics.append(
                ProjectMetric(
                    project=project,
                    name="Время выполнения процесса",
                    unit="мин",
                    direction=Direction.LOWER,
                    baseline_value=before,
                    target_value=(before / 2).quantize(Decimal("1")),
                    actual_value=(before * Decimal("0.45")).quantize(Decimal("1")) if done else None,
                )
            )
            if tools:
                for tool_id in rng.sample(tools, k=min(2, len(tools))):
                    links.append(Through(project_id=project.pk, leantool_id=tool_id))
        ProjectMetric.objects.bulk_create(metrics)
        Through.objects.bulk_create(links, ignore_conflicts=True)
    # Fresh statistics after a bulk load, as autovacuum would gather later:
    # without them the planner guesses badly for the first minutes.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project, projects_projectmetric, projects_project_tools")
    ctx.log(f"projects (region): {Project.objects.filter(organization_id__in=orgs).count()} projects")
