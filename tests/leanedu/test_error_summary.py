"""Forms that never lose work (issue 11, item 7): every form that did not pass
opens with a summary of its errors, each linked to its field, and the summary
takes the focus (the proposal form's files: tests/proposals/test_files_notice.py)."""

import pytest
from django.urls import reverse

from tests.error_summary import summary_of

pytestmark = pytest.mark.django_db

PASSPORT = {
    "title": "Утренний вход без очереди",
    "stage": "preparation",
    "problem": "Очередь у турникетов.",
    "goal": "Ждать не больше 3 минут.",
    "leader": "Иванов С. П.",
    "planned_start": "2026-01-12",
    "planned_end": "2026-05-29",
}
METRICS = [
    {"name": "Время ожидания", "unit": "мин", "direction": "lower", "baseline_value": "много", "target_value": "3"},
    {"direction": "lower"},  # the empty extra row as a browser posts it
]


def formset_data(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    data |= {f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{key}": value for key, value in row.items()}
    return data


def test_failed_sign_in_opens_with_the_summary(client, db):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    summary = summary_of(response.content.decode())
    assert summary["heading"] == "В форме 1 ошибка"
    assert summary["autofocus"]
    assert len(summary["items"]) == 1 and "имя пользователя" in summary["items"][0][1].lower()


def test_project_passport_lists_every_error_with_a_link_to_its_field(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    data = {**PASSPORT, "title": "", **formset_data("metrics", METRICS), **formset_data("team", [])}
    response = client.post(reverse("projects:cabinet_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = summary_of(html)
    assert summary["heading"] == "В форме 2 ошибки"
    anchors = [anchor for anchor, _text in summary["items"]]
    assert anchors == ["id_title", "id_metrics-0-baseline_value"]
    for anchor in anchors:  # each link lands on a field of the page
        assert f'id="{anchor}"' in html
    assert summary["items"][1][1].startswith("Показатель проекта 1: ")
    # the summary comes before the form, so it is read first
    assert html.index('id="error-summary"') < html.index('<form method="post" novalidate>')


def test_a_form_without_errors_has_no_summary(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    assert 'id="error-summary"' not in client.get(reverse("projects:cabinet_create")).content.decode()
    assert 'id="error-summary"' not in client.get(reverse("proposals:new")).content.decode()
