"""Demo proposals: about twenty, in every status, some answered and published.

Idempotent: proposals are recognised by their text, so a second run adds nothing."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from proposals import conf
from proposals.models import AuthorRole, Category, Proposal, RejectReason, Status, hash_token
from proposals.services import create_draft_project, next_number

# (days ago, status, category, organisation, text, answer, published)
PROPOSALS = [
    (
        2,
        Status.NEW,
        Category.FOOD,
        "МАОУ «СОШ № 13»",
        "Предлагаю вывешивать меню столовой на неделю вперёд на сайте школы, чтобы родители могли заранее обсудить с детьми, что они будут есть.",
        "",
        False,
    ),
    (
        1,
        Status.NEW,
        Category.TIMETABLE,
        "МОУ «СОШ № 15»",
        "Расписание кружков меняется без предупреждения. Просим публиковать изменения хотя бы за три дня в электронном дневнике.",
        "",
        False,
    ),
    (
        3,
        Status.NEW,
        Category.SAFETY,
        "МОУ «Гимназия № 23»",
        "Утром у входа в гимназию очень тесно: машины родителей стоят прямо у крыльца. Предлагаю разметить зону высадки в 50 метрах от входа.",
        "",
        False,
    ),
    (
        5,
        Status.REGISTERED,
        Category.PAPERWORK,
        "МДОУ «Детский сад № 4»",
        "Заявления на компенсацию родительской платы приходится приносить на бумаге каждый год. Можно ли принимать их в электронном виде?",
        "",
        False,
    ),
    (
        8,
        Status.REGISTERED,
        Category.INFRASTRUCTURE,
        "МОУ «СОШ № 7»",
        "В раздевалке спортзала не хватает крючков и лавок, дети переодеваются в коридоре. Предлагаю поставить дополнительные скамейки.",
        "",
        False,
    ),
    (
        12,
        Status.IN_WORK,
        Category.LEARNING,
        "МОУ «Лицей № 17»",
        "Домашние задания по разным предметам задают в разных местах: в тетради, в чате, в дневнике. Предлагаю записывать всё только в электронный дневник.",
        "",
        False,
    ),
    (
        20,
        Status.IN_WORK,
        Category.FOOD,
        "МОУ «СОШ № 10»",
        "Очередь в столовую на большой перемене занимает 10–15 минут. Можно развести классы по двум переменам.",
        "",
        False,
    ),
    (
        27,
        Status.IN_WORK,
        Category.TIMETABLE,
        "МАОУ «СОШ № 13»",
        "Шестой урок у младших классов заканчивается поздно, а продлёнка начинается только через час. Предлагаю сдвинуть начало продлёнки.",
        "",
        False,
    ),
    (
        34,
        Status.REGISTERED,
        Category.SAFETY,
        "МОУ «ООШ № 5»",
        "На пешеходном переходе у школы стёрлась разметка. Просим обратиться в администрацию города.",
        "",
        False,
    ),
    (
        40,
        Status.ANSWERED,
        Category.FOOD,
        "МАОУ «СОШ № 13»",
        "Предлагаю поставить в столовой второй кассовый терминал: дети не успевают купить булочку за перемену.",
        "Спасибо за предложение! Второй терминал установлен 15 числа, очередь на большой перемене сократилась примерно вдвое. Проект по организации питания в СОШ № 13 продолжается.",
        True,
    ),
    (
        55,
        Status.ANSWERED,
        Category.PAPERWORK,
        "МДОУ «Детский сад № 16»",
        "Каждый месяц родители заполняют одинаковые бумажные согласия на прогулки. Можно ли подписывать одно согласие на год?",
        "Спасибо! С нового учебного года согласие подписывается один раз на год. Форма размещена на сайте детского сада.",
        True,
    ),
    (
        70,
        Status.ANSWERED,
        Category.LEARNING,
        "МОУ «Гимназия № 23»",
        "Предлагаю проводить консультации перед экзаменами по единому графику для всех параллелей, чтобы не было накладок.",
        "Единый график консультаций утверждён и опубликован на сайте гимназии. Спасибо за идею!",
        True,
    ),
    (
        85,
        Status.ANSWERED,
        Category.INFRASTRUCTURE,
        "МОУ «СОШ № 15»",
        "В кабинете информатики постоянно не хватает розеток для ноутбуков, провода лежат на полу.",
        "Проводка в кабинете информатики заменена, установлено 12 дополнительных розеток. Провода убраны в короба.",
        True,
    ),
    (
        95,
        Status.ANSWERED,
        Category.TIMETABLE,
        "МУ ДО «Дом детского творчества»",
        "Занятия кружков начинаются в 15:00, а уроки в школах заканчиваются в 14:50 — дети опаздывают. Предлагаю начинать в 15:15.",
        "Начало занятий перенесено на 15:15 со следующей четверти.",
        False,
    ),
    (
        50,
        Status.ANSWERED,
        Category.SAFETY,
        "МДОУ «Детский сад № 21»",
        "Калитка детского сада не закрывается до конца, её легко открыть снаружи.",
        "Замок калитки заменён, установлен доводчик. Спасибо за внимательность.",
        False,
    ),
    (
        15,
        Status.REJECTED,
        Category.OTHER,
        None,
        "Купите недорого стройматериалы с доставкой по городу, звоните.",
        "",
        False,
    ),
    (
        25,
        Status.REJECTED,
        Category.FOOD,
        "МАОУ «СОШ № 13»",
        "Предлагаю добавить второй терминал оплаты в столовой, очереди слишком длинные.",
        "",
        False,
    ),
    (
        30,
        Status.REJECTED,
        Category.OTHER,
        None,
        "Почему в городе так плохо чистят дороги зимой? Нужно больше снегоуборочной техники.",
        "",
        False,
    ),
    (
        60,
        Status.CONVERTED,
        Category.PAPERWORK,
        "МАОУ «СОШ № 13»",
        "Справки об обучении выдают только через неделю. Предлагаю упростить процесс и выдавать справки в день обращения.",
        "",
        False,
    ),
    (
        45,
        Status.CONVERTED,
        Category.LEARNING,
        "МДОУ «Центр развития ребёнка — детский сад № 8»",
        "Предлагаю навести порядок в методическом кабинете по системе 5S: материалы трудно найти.",
        "",
        False,
    ),
    (
        45,
        Status.IN_WORK,
        Category.INFRASTRUCTURE,
        "МОУ «СОШ № 7»",
        "В школьной библиотеке нет удобной системы поиска книг. Предлагаю сделать электронный каталог.",
        "",
        False,
    ),
]

NAMES = ["Анна Смирнова", "Игорь Павлов", "Светлана Орлова", "Дмитрий Егоров", "Наталья Белова", "Ксения Лебедева"]
ROLES = [AuthorRole.PARENT, AuthorRole.PARENT, AuthorRole.STUDENT, AuthorRole.STAFF, AuthorRole.OTHER]


def seed(ctx) -> None:
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.filter(username="office").first()
    now = timezone.now()
    created = 0
    shown_link = False
    for i, (days_ago, status, category, org_name, text, answer, published) in enumerate(
        sorted(PROPOSALS, key=lambda r: -r[0])
    ):
        if Proposal.objects.filter(text=text).exists():
            continue
        organization = ctx.org(org_name) if org_name else None
        when = now - timedelta(days=days_ago, hours=i)
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            proposal = Proposal(
                number=next_number(timezone.localdate(when).year),
                token_hash=hash_token(token),
                author_name=NAMES[i % len(NAMES)],
                email=f"parent{i + 1}@example.org",
                author_role=ROLES[i % len(ROLES)],
                submitted_ip="192.0.2.10",
                consent_version=conf.consent_version(),
                consent_at=when,
                consent_ip="192.0.2.10",
                organization=organization,
                category=category,
                text=text,
                publish_consent=published or i % 3 == 0,
                created_at=when,
                due_date=timezone.localdate(when) + timedelta(days=conf.answer_days()),
                status=status,
            )
            if status != Status.NEW:
                proposal.registered_at = when + timedelta(days=1)
            if status == Status.IN_WORK:
                proposal.assignee = office
                proposal.internal_notes = "Уточнить у администрации организации."
            if status == Status.ANSWERED:
                proposal.answer = answer
                proposal.answered_at = when + timedelta(days=min(days_ago - 1, 7 + i % 20))
                proposal.published = published
                proposal.closed_at = proposal.answered_at
            if status == Status.REJECTED:
                proposal.closed_at = when + timedelta(days=2)
                if "стройматериалы" in text:
                    proposal.reject_reason = RejectReason.SPAM
                elif "терминал" in text:
                    proposal.reject_reason = RejectReason.DUPLICATE
                    proposal.duplicate_of = Proposal.objects.filter(
                        text__startswith="Предлагаю поставить в столовой"
                    ).first()
                    proposal.reject_comment = (
                        "Такое предложение уже поступало, ответ опубликован на странице «Мы ответили»."
                    )
                else:
                    proposal.reject_reason = RejectReason.OFF_TOPIC
                    proposal.reject_comment = "Вопрос не относится к работе школ; рекомендуем обратиться через платформу обратной связи Госуслуг."
            if status == Status.CONVERTED:
                proposal.closed_at = when + timedelta(days=5)
                proposal.project = create_draft_project(
                    actor=office, organization=organization, title=text[:100].rstrip(".") + "…", problem=text
                )
            proposal.save()
            created += 1
        if status == Status.ANSWERED and published and not shown_link:
            # The token is stored only hashed: this is the one moment it can be shown.
            ctx.log(f"proposals: status page of {proposal.number}: /proposals/status/{token}/")
            shown_link = True
    ctx.log(f"proposals: {created} demo proposals added")
