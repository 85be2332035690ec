"""First steps: the body, its schools and the staff with roles from one spreadsheet."""

from __future__ import annotations

import csv
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from leanedu.models import Membership, Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def test_the_template_imports_into_an_empty_portal(tmp_path, capsys):
    book = tmp_path / "people.xlsx"
    call_command("import_people", str(book), template=True)
    assert load_workbook(book).sheetnames == ["Организации", "Пользователи"]

    call_command("import_people", str(book))
    out = capsys.readouterr().out
    assert "organisations: 3 created" in out and "roles given: 2" in out
    school = Organization.objects.get(short_name="МОУ «СОШ № 13»")
    assert school.kind == OrganizationKind.SCHOOL
    assert school.parent.short_name == "Управление образования г. Троицка"
    assert school.municipality == school.parent
    office = Membership.objects.get(user__username="ivanova")
    assert (office.role, office.organization.short_name) == ("office", "Управление образования г. Троицка")
    assert office.user.is_staff and office.user.last_name == "Иванова"
    assert Membership.objects.get(user__username="petrov").role == "coordinator"

    passwords = tmp_path / "people.passwords.csv"
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    rows = dict(list(csv.reader(passwords.open()))[1:])
    assert set(rows) == {"ivanova", "petrov"}
    client = Client()
    response = client.post("/accounts/login/", {"username": "petrov", "password": rows["petrov"]})
    assert response.status_code == 302
    assert client.get("/cabinet/").status_code == 200

    # a second run updates, never duplicates
    call_command("import_people", str(book), passwords=str(tmp_path / "again.csv"))
    assert Organization.objects.count() == 3
    assert get_user_model().objects.count() == 2
    assert Membership.objects.count() == 2
    assert not (tmp_path / "again.csv").exists()


def test_a_wrong_row_imports_nothing_and_says_where(tmp_path):
    book = tmp_path / "people.xlsx"
    call_command("import_people", str(book), template=True)
    workbook = load_workbook(book)
    workbook["Пользователи"].append(["sidorov", "Сидоров", "Иван", "", "МОУ «СОШ № 13»", "Директор", ""])
    workbook["Организации"].append(["Школа-призрак", "", "Школа", "Нет такой", "", ""])
    workbook.save(book)
    with pytest.raises(CommandError) as error:
        call_command("import_people", str(book))
    message = str(error.value)
    assert "Пользователи, row 4: unknown role «Директор»" in message
    assert "Организации, row 5" in message and "Нет такой" in message
    assert not Organization.objects.exists() and not get_user_model().objects.exists()
