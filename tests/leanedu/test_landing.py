"""The site knows its reader: each role lands where it works after signing in,
and the menu shows only the sections the reader may use."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(client, user, **extra):
    return client.post(reverse("login") + extra.get("query", ""), {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize(
    ("who", "where"),
    [("coordinator_a", "/cabinet/"), ("official", "/reports/"), ("office", "/admin/"), ("office_admin", "/admin/")],
)
def test_each_role_lands_where_it_works(client, request, who, where):
    user = request.getfixturevalue(who)
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == where
    assert client.get(where).status_code == 200


def test_next_wins_over_the_role(client, coordinator_a):
    response = sign_in(client, coordinator_a, query="?next=/documents/")
    assert response["Location"] == "/documents/"


def test_a_foreign_next_is_ignored(client, official):
    response = sign_in(client, official, query="?next=https://evil.example/")
    assert response["Location"] == "/reports/"


def menu(client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('class="site-nav"') : html.index("</nav>")]


def test_the_menu_shows_only_what_the_reader_can_use(client, coordinator_a, official, office):
    assert "Личный кабинет" not in menu(client) and "Отчёты" not in menu(client)

    client.force_login(coordinator_a)
    shown = menu(client)
    assert "Личный кабинет" in shown and "Отчёты" not in shown and "Панель управления" not in shown

    client.force_login(official)
    shown = menu(client)
    assert "Отчёты" in shown and "Личный кабинет" not in shown and "Панель управления" not in shown

    client.force_login(office)
    shown = menu(client)
    assert "Панель управления" in shown and "Отчёты" in shown and reverse("admin:index") in shown
