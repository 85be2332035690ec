"""The office's review in the admin: queue, approve / return with a comment
(an intermediate page), passport export, scoping."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import ProjectStatus

pytestmark = pytest.mark.django_db


def test_queue_lists_only_submitted(client, office, project_in):
    project_in(ProjectStatus.SUBMITTED, title="Ждёт решения")
    project_in(ProjectStatus.DRAFT, title="Черновик школы")
    client.force_login(office)
    html = client.get(reverse("admin:projects_submittedproject_changelist")).content.decode()
    assert "Ждёт решения" in html and "Черновик школы" not in html


def test_return_asks_for_a_comment_first(client, office, project_in, django_capture_on_commit_callbacks):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(office)
    url = reverse("admin:projects_project_changelist")
    page = client.post(url, {"action": "transition_return", ACTION_CHECKBOX_NAME: [project.pk]})
    assert page.status_code == 200 and "Что нужно исправить" in page.content.decode()
    empty = client.post(
        url, {"action": "transition_return", ACTION_CHECKBOX_NAME: [project.pk], "apply": "1", "comment": ""}
    )
    assert empty.status_code == 200  # the form again, with an error
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "action": "transition_return",
                ACTION_CHECKBOX_NAME: [project.pk],
                "apply": "1",
                "comment": "Добавьте карту.",
            },
        )
    assert done.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.review_comment) == (ProjectStatus.RETURNED, "Добавьте карту.")


def test_approve_from_the_queue(client, office, project_in):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(office)
    url = reverse("admin:projects_submittedproject_changelist")
    client.post(url, {"action": "transition_approve", ACTION_CHECKBOX_NAME: [project.pk], "apply": "1", "comment": ""})
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED


def test_a_wrong_step_is_reported_not_applied(client, office, project_in):
    project = project_in(ProjectStatus.DRAFT)
    client.force_login(office)
    url = reverse("admin:projects_project_changelist")
    response = client.post(
        url, {"action": "transition_approve", ACTION_CHECKBOX_NAME: [project.pk], "apply": "1"}, follow=True
    )
    assert "недоступно" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_passport_export_xlsx(client, office, project_in):
    project = project_in(ProjectStatus.COMPLETED)
    project.metrics.update(actual_value=29)
    client.force_login(office)
    url = reverse("admin:projects_project_export")
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0"}
    # import-export 4 asks which columns to export: all of the passport.
    data.update({name: "on" for name in form.fields if name.startswith("projectpassportresource_")})
    response = client.post(url, data)
    assert "spreadsheet" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    text = str(rows)
    assert project.title in text and "67" in text and "29" in text


def test_admin_change_goes_through_the_service(client, office, project_in):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(office)
    response = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert response.status_code == 200
    assert client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 200


def test_filters_by_municipality_then_organisation(client, office, project_in, school_b, school_elsewhere):
    project_in(ProjectStatus.SUBMITTED, title="Проект школы А")
    project_in(ProjectStatus.SUBMITTED, title="Проект школы Б", organization=school_b)
    project_in(ProjectStatus.SUBMITTED, title="Проект из Пласта", organization=school_elsewhere)
    client.force_login(office)
    url = reverse("admin:projects_project_changelist")
    html = client.get(url, {"municipality": school_b.municipality_id}).content.decode()
    assert "Проект школы Б" in html and "Проект школы А" in html and "Проект из Пласта" not in html
    html = client.get(url, {"municipality": school_b.municipality_id, "organization": school_b.pk}).content.decode()
    assert "Проект школы Б" in html and "Проект школы А" not in html
    html = client.get(url, {"status": "submitted", "stage": "preparation"}).content.decode()
    assert "Проект из Пласта" in html


def test_decision_from_the_project_page(client, office, project_in, coordinator_a):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(office)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    decide = reverse("admin:projects_project_decide", args=[project.pk, "return"])
    assert decide in page
    assert "Что нужно исправить" in client.get(decide).content.decode()
    assert client.post(decide, {"comment": ""}).status_code == 200
    response = client.post(decide, {"comment": "Приложите карту текущего состояния."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.review_comment) == (ProjectStatus.RETURNED, "Приложите карту текущего состояния.")
    # Not a step this status offers: refused by the service, nothing changes.
    client.post(reverse("admin:projects_project_decide", args=[project.pk, "complete"]), {"comment": ""})
    project.refresh_from_db()
    assert project.status == ProjectStatus.RETURNED


def test_decision_page_needs_the_office(client, coordinator_a, project_in):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(coordinator_a)
    response = client.get(reverse("admin:projects_project_decide", args=[project.pk, "approve"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_decision_from_the_queue_page_returns_to_the_queue(client, office, project_in):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(office)
    page = client.get(reverse("admin:projects_submittedproject_change", args=[project.pk])).content.decode()
    decide = reverse("admin:projects_submittedproject_decide", args=[project.pk, "approve"])
    assert decide in page
    response = client.post(decide, {"comment": ""})
    assert response["Location"] == reverse("admin:projects_submittedproject_changelist")
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
