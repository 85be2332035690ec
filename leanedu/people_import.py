"""First steps of a new portal: the education authority, its schools and the
staff with their roles, from one spreadsheet (``manage.py import_people``).

Two sheets, Russian headings (the template is written by ``--template``):

- «Организации»: краткое наименование, полное наименование, тип, вышестоящая
  организация (краткое наименование), ИНН, эл. почта;
- «Пользователи»: имя пользователя, фамилия, имя, эл. почта, организация
  (краткое наименование), роль, должность.

Types and roles are written as the portal shows them («Школа», «Проектный
офис»…). Rows are matched by name, so a second run updates instead of
duplicating. Everything is written in one transaction: one wrong row and
nothing is saved, with every problem listed by sheet and row."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook, load_workbook

from leanedu.models import Organization, OrganizationKind
from leanedu.roles import Role
from leanedu.services import membership_grant

ORG_SHEET = "Организации"
USER_SHEET = "Пользователи"
ORG_COLUMNS = ["Краткое наименование", "Полное наименование", "Тип", "Вышестоящая организация", "ИНН", "Эл. почта"]
USER_COLUMNS = ["Имя пользователя", "Фамилия", "Имя", "Эл. почта", "Организация", "Роль", "Должность"]


class ImportProblems(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    organisations_created: int = 0
    organisations_updated: int = 0
    users_created: int = 0
    memberships: int = 0
    passwords: dict[str, str] = field(default_factory=dict)


def _labels(choices) -> dict[str, str]:
    """Russian label (any case) or code → code."""
    with translation.override("ru"):
        found = {str(label).casefold(): value for value, label in choices}
    found.update({value.casefold(): value for value, _label in choices})
    return found


def write_template(path: Path) -> None:
    book = Workbook()
    orgs = book.active
    orgs.title = ORG_SHEET
    orgs.append(ORG_COLUMNS)
    orgs.append(
        [
            "Минобр области",
            "Министерство образования и науки Челябинской области",
            "Региональный орган управления образованием",
            "",
            "",
            "",
        ]
    )
    orgs.append(
        [
            "Управление образования г. Троицка",
            "Управление образования администрации г. Троицка",
            "Муниципальный орган управления образованием",
            "Минобр области",
            "",
            "uo@troitsk.example",
        ]
    )
    orgs.append(
        [
            "МОУ «СОШ № 13»",
            "Муниципальное общеобразовательное учреждение «Средняя общеобразовательная школа № 13»",
            "Школа",
            "Управление образования г. Троицка",
            "",
            "",
        ]
    )
    users = book.create_sheet(USER_SHEET)
    users.append(USER_COLUMNS)
    users.append(
        [
            "ivanova",
            "Иванова",
            "Мария",
            "ivanova@troitsk.example",
            "Управление образования г. Троицка",
            "Проектный офис",
            "Руководитель проектного офиса",
        ]
    )
    users.append(
        [
            "petrov",
            "Петров",
            "Сергей",
            "petrov@school13.example",
            "МОУ «СОШ № 13»",
            "Координатор организации",
            "Заместитель директора",
        ]
    )
    book.save(path)


def _rows(book, sheet: str, columns: list[str]):
    if sheet not in book.sheetnames:
        raise ImportProblems([f"no sheet «{sheet}» (headings: {', '.join(columns)})"])
    rows = book[sheet].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportProblems([f"sheet «{sheet}»: missing columns {', '.join(missing)}"])
    index = {name: header.index(name) for name in columns}
    for number, row in enumerate(rows, start=2):
        values = {name: str(row[i]).strip() if i < len(row) and row[i] is not None else "" for name, i in index.items()}
        if any(values.values()):
            yield number, values


def import_people(path: Path, *, actor=None) -> ImportResult:
    book = load_workbook(path, read_only=True, data_only=True)
    kinds, roles = _labels(OrganizationKind.choices), _labels(Role.choices)
    result, problems = ImportResult(), []
    with transaction.atomic():
        pending = list(_rows(book, ORG_SHEET, ORG_COLUMNS))
        # Parents first, whatever the order of the rows.
        while pending:
            postponed = []
            for number, row in pending:
                parent_name = row["Вышестоящая организация"]
                parent = Organization.objects.filter(short_name=parent_name).first() if parent_name else None
                if parent_name and parent is None:
                    postponed.append((number, row))
                    continue
                kind = kinds.get(row["Тип"].casefold())
                if kind is None:
                    problems.append(f"{ORG_SHEET}, row {number}: unknown type «{row['Тип']}»")
                    continue
                org = Organization.objects.filter(short_name=row["Краткое наименование"], parent=parent).first()
                created = org is None
                org = org or Organization(short_name=row["Краткое наименование"], parent=parent)
                org.full_name = row["Полное наименование"] or row["Краткое наименование"]
                org.kind, org.inn, org.email = kind, row["ИНН"], row["Эл. почта"]
                try:
                    org.full_clean(validate_unique=False)
                    org.save()
                except ValidationError as exc:
                    problems.append(f"{ORG_SHEET}, row {number}: {'; '.join(exc.messages)}")
                    continue
                result.organisations_created += created
                result.organisations_updated += not created
            if len(postponed) == len(pending):
                problems += [
                    f"{ORG_SHEET}, row {n}: no organisation «{r['Вышестоящая организация']}» to place it under"
                    for n, r in postponed
                ]
                break
            pending = postponed

        User = get_user_model()
        for number, row in _rows(book, USER_SHEET, USER_COLUMNS):
            role = roles.get(row["Роль"].casefold())
            organisations = list(Organization.objects.filter(short_name=row["Организация"])[:2])
            if role is None:
                problems.append(f"{USER_SHEET}, row {number}: unknown role «{row['Роль']}»")
                continue
            if len(organisations) != 1:
                problems.append(f"{USER_SHEET}, row {number}: no single organisation «{row['Организация']}»")
                continue
            if not row["Имя пользователя"]:
                problems.append(f"{USER_SHEET}, row {number}: no user name")
                continue
            user, created = User.objects.get_or_create(username=row["Имя пользователя"])
            user.last_name, user.first_name, user.email = row["Фамилия"], row["Имя"], row["Эл. почта"]
            if created:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                result.passwords[user.username] = password
                result.users_created += 1
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                problems.append(f"{USER_SHEET}, row {number}: {'; '.join(exc.messages)}")
                continue
            user.save()
            membership_grant(
                actor=actor, user=user, organization=organisations[0], role=role, position=row["Должность"]
            )
            result.memberships += 1
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportProblems(problems)
    return result
