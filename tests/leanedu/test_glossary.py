"""The glossary of the editor's review (shared/domain/wording-review.md) is the
project's: the words it rejects appear in no catalogue, and every entity has one
list of status names, the same in the admin, on the pages, in mails and exports."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/ru/LC_MESSAGES/django.po") if ".venv" not in p.parts)

# rejected wording → what the glossary says instead
REJECTED = {
    r"пилотн\w* площадк": "опорная площадка",
    r"документ\w* о (?:её |их |ее )?создани": "документ о присвоении статуса",
    r"\bиндикатор": "целевой показатель",
    r"\bKPI\b": "целевой показатель",
    r"образовательн\w+ учреждени": "образовательная организация",
    r"\bвид\w* организаци": "тип организации",
    r"\bвложени": "файл",
    r"\bметрик": "показатель проекта",
    r"официальн\w+ обращени": "обращение (59-ФЗ)",
    r"проект\w* по бережливым технологиям": "бережливый проект",
    r"5С": "5S, латиницей",
    r"рабоч\w+ мест\w+ офиса|административн\w+ част|администрировани\w+ портала|админк": "панель управления",
    r"(?<![Пп]роектный )(?<![Пп]роектного )(?<![Пп]роектному )(?<![Пп]роектным )(?<![Пп]роектном )\bофис": (
        "проектный офис, полностью"
    ),
    r"e-mail": "электронная почта",
    r"[Сс]тало проектом": "Создан проект",
    r"представител\w+ орган\w* управления(?! образованием)": "представитель органа управления образованием",
    r"Родитель или законный представитель": "родитель (законный представитель)",
    r"\bзаявк": "предложение",
    r"^Кабинет$": "личный кабинет",
    r"(?:\d|%\(number\)s) (?:квартал|полугоди)": "I квартал, II полугодие: римскими цифрами (Y-7)",
}

STATUS_NAMES = {
    "documents.models.DocumentStatus": ["Черновик", "Действует", "Действует с изменениями", "Утратил силу"],
    "projects.models.ProjectStatus": [
        "Черновик",
        "На рассмотрении",
        "Возвращён на доработку",
        "Одобрен",
        "Реализуется",
        "Завершён",
        "Отменён",
    ],
    "indicators.models.ValueStatus": ["Черновик", "На проверке", "Утверждено", "Возвращено на доработку"],
    "proposals.models.Status": ["Поступило", "Зарегистрировано", "В работе", "Дан ответ", "Отклонено", "Создан проект"],
}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_catalogue_uses_a_rejected_word(po_path):
    found = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for pattern, use in REJECTED.items():
                if re.search(pattern, text):
                    found.append(f"{text[:80]!r}: use «{use}»")
    assert found == []


@pytest.mark.parametrize("dotted", sorted(STATUS_NAMES))
def test_one_list_of_status_names_per_entity(dotted):
    module, _dot, name = dotted.rpartition(".")
    choices = getattr(__import__(module, fromlist=[name]), name)
    with translation.override("ru"):
        assert [str(label) for label in choices.labels] == STATUS_NAMES[dotted]


def test_role_group_names_keep_the_glossary():
    """The groups are named in Russian in code (staff see them in the control
    panel), outside any catalogue: the same rejected words apply."""
    from leanedu.roles import GROUP_NAMES

    found = [
        f"{name!r}: use «{use}»"
        for name in GROUP_NAMES.values()
        for pattern, use in REJECTED.items()
        if re.search(pattern, name)
    ]
    assert found == []


@pytest.mark.django_db
def test_the_officials_group_is_renamed_in_the_database():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert "Представитель органа управления образованием" in names
    assert "Представитель органа управления" not in names
