"""The back doors of issue 10, each tried the way it was found, and shut.

The access matrix (test_access_matrix.py) covers every URL; these tests name
the findings one by one, with what a user would notice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import services as indicator_services
from indicators.models import Value, ValueStatus
from indicators.services import EntryRow
from leanedu.models import Membership, Organization
from leanedu.roles import GROUP_NAMES, Role
from projects import services as project_services
from projects.models import Project, ProjectAttachment, ProjectStatus
from tests.factories import UserFactory, user_with_role
from tests.indicators.factories import IndicatorFactory, ValueFactory, quarter
from tests.projects.factories import ReadyProjectFactory

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save()
    return user


# --- history: readable, never a way to write -------------------------------------------


def test_office_cannot_rename_an_organisation_through_history(client, office, school_a):
    client.force_login(office)
    hid = school_a.history.latest().history_id
    url = reverse("admin:leanedu_organization_simple_history", args=[school_a.pk, hid])
    assert client.get(url).status_code == 200  # reading stays possible
    response = client.post(url, {"full_name": "Взломано", "short_name": "Взломано", "kind": "school"})
    assert response.status_code == 403
    school_a.refresh_from_db()
    assert school_a.short_name == "МОУ «СОШ № 13»"
    assert "Вернуть" not in client.get(url).content.decode()


def test_office_cannot_change_a_role_through_history(client, office, coordinator_a):
    client.force_login(office)
    membership = Membership.objects.get(user=coordinator_a)
    hid = membership.history.latest().history_id
    url = reverse("admin:leanedu_membership_simple_history", args=[membership.pk, hid])
    response = client.post(url, {"user": coordinator_a.pk, "organization": membership.organization_id, "role": "admin"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


@pytest.mark.parametrize("who", ["office", "office_admin"])
def test_an_approved_value_cannot_be_changed_through_history(request, client, who, school_a):
    value = ValueFactory(organization=school_a, indicator=IndicatorFactory(), period=quarter(2025, 1), value=3)
    client.force_login(request.getfixturevalue(who))
    hid = value.history.latest().history_id
    url = reverse("admin:indicators_value_simple_history", args=[value.pk, hid])
    data = {
        "indicator": value.indicator_id,
        "period": value.period_id,
        "organization": school_a.pk,
        "value": "999",
    }
    assert client.post(url, data).status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal(3) and value.status == ValueStatus.APPROVED


def test_staff_coordinator_reads_no_other_schools_draft_through_history(client, coordinator_a, school_b):
    staff(coordinator_a)
    client.force_login(coordinator_a)
    foreign = ReadyProjectFactory(organization=school_b, title="Черновик чужой школы")
    hid = foreign.history.latest().history_id
    for url in (
        reverse("admin:projects_project_history", args=[foreign.pk]),
        reverse("admin:projects_project_simple_history", args=[foreign.pk, hid]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Черновик чужой школы" not in response.content.decode()


def test_staff_official_reads_no_other_municipality_through_history(client, official, school_elsewhere):
    staff(official)
    client.force_login(official)
    hid = school_elsewhere.history.latest().history_id
    url = reverse("admin:leanedu_organization_simple_history", args=[school_elsewhere.pk, hid])
    assert client.get(url).status_code == 404


def test_history_of_a_deleted_row_is_for_office_staff_only(client, office, coordinator_a, school_a):
    project = ReadyProjectFactory(organization=school_a)
    project_services.project_delete(actor=office, project=project)
    staff(coordinator_a)
    client.force_login(coordinator_a)
    assert client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 404
    client.force_login(office)
    assert client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 200


# --- imports need their own permission, and go through the services ------------------------


def test_office_cannot_import_organisations(client, office):
    client.force_login(office)
    assert client.get(reverse("admin:leanedu_organization_import")).status_code == 403
    before = Organization.objects.count()
    client.post(reverse("admin:leanedu_organization_process_import"), {"import_file_name": "x", "format": "0"})
    assert Organization.objects.count() == before


def test_staff_official_cannot_import_documents(client, official):
    staff(official)
    client.force_login(official)
    assert client.get(reverse("admin:documents_document_import")).status_code == 403


def test_the_import_permission_belongs_to_the_importing_roles():
    def perms(role):
        group = Group.objects.get(name=GROUP_NAMES[role])
        return set(group.permissions.values_list("codename", flat=True))

    assert "import_document" in perms(Role.OFFICE)
    assert "import_organization" not in perms(Role.OFFICE)
    assert "import_organization" in perms(Role.ADMIN)
    assert not {p for p in perms(Role.OFFICIAL) | perms(Role.COORDINATOR) if p.startswith("import_")}


def _import(client, url_name, csv_text):
    """The admin's two steps: upload (preview, dry run), then confirm."""
    upload = SimpleUploadedFile("rows.csv", csv_text.encode(), content_type="text/csv")
    response = client.post(reverse(f"admin:{url_name}_import"), {"import_file": upload, "format": "0", "resource": "0"})
    return response


def document_rows_csv(*rows: dict) -> str:
    """A document import file as the office writes it: the export's Russian
    column names (from the resource), one line per row."""
    import csv
    import io

    from documents.resources import DocumentResource

    fields = DocumentResource().fields
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([field.column_name for field in fields.values()])
    for row in rows:
        writer.writerow([row.get(name, "") for name in fields])
    return out.getvalue()


def test_a_document_import_applies_the_services_rule_only(client, office, municipality):
    """The «draft or in force» rule lives in the service; the import shows its refusal."""
    from documents.models import Document

    client.force_login(office)
    row = {
        "kind": "Приказ",
        "authority": municipality.short_name,
        "number": "77-р",
        "date_signed": "01.02.2026",
        "title": "О порядке",
        "status": "repealed",
        "is_public": "1",
    }
    response = _import(client, "documents_document", document_rows_csv(row))
    assert response.status_code == 200
    assert "Новый документ регистрируется как проект или как действующий." in response.content.decode()
    assert not Document.objects.filter(number="77-р").exists()


# --- inlines and memberships: groups follow, through one service --------------------------


def _formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _organization_form(org):
    return {
        "full_name": org.full_name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent": org.parent_id,
        "inn": "",
        "address": "",
        "website": "",
        "email": "",
        "is_active": "on",
    }


def test_membership_inline_grants_and_revokes_the_group(client, office_admin, school_a):
    newcomer = UserFactory(username="newcomer")
    client.force_login(office_admin)
    url = reverse("admin:leanedu_organization_change", args=[school_a.pk])
    data = _organization_form(school_a) | _formset(
        "memberships", [{"user": newcomer.pk, "role": Role.COORDINATOR, "position": "", "organization": school_a.pk}]
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer.refresh_from_db()
    assert newcomer.groups.filter(name=GROUP_NAMES[Role.COORDINATOR]).exists()
    assert newcomer.has_perm("projects.view_project")

    membership = Membership.objects.get(user=newcomer)
    data = _organization_form(school_a) | _formset(
        "memberships",
        [
            {
                "id": membership.pk,
                "user": newcomer.pk,
                "role": Role.COORDINATOR,
                "position": "",
                "organization": school_a.pk,
                "DELETE": "on",
            }
        ],
        initial=1,
    )
    assert client.post(url, data).status_code == 302
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert not Membership.objects.filter(user=newcomer).exists()
    assert not newcomer.groups.exists()
    assert not newcomer.has_perm("projects.view_project")


def test_role_change_in_membership_admin_moves_the_group(client, office_admin, coordinator_a):
    client.force_login(office_admin)
    membership = Membership.objects.get(user=coordinator_a)
    url = reverse("admin:leanedu_membership_change", args=[membership.pk])
    data = {"user": coordinator_a.pk, "organization": membership.organization_id, "role": Role.OFFICE}
    assert client.post(url, data).status_code == 302
    coordinator_a = type(coordinator_a).objects.get(pk=coordinator_a.pk)
    names = set(coordinator_a.groups.values_list("name", flat=True))
    assert names == {GROUP_NAMES[Role.OFFICE]}
    assert coordinator_a.is_staff


def test_groups_cannot_be_picked_by_hand_on_the_user_page(client, office_admin, coordinator_a):
    client.force_login(office_admin)
    page = client.get(reverse("admin:auth_user_change", args=[coordinator_a.pk])).content.decode()
    assert 'name="groups"' not in page


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF"


def test_removing_an_attachment_in_the_admin_removes_its_file(
    client, office, coordinator_a, school_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = ReadyProjectFactory(organization=school_a)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    attachment = project_services.attachment_add(
        actor=coordinator_a, project=project, kind="action_plan", upload=upload
    )
    path = attachment.file.path
    client.force_login(office)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = _project_form(project) | _empty("metrics") | _empty("team") | _empty("transitions")
    data |= _formset(
        "attachments", [{"id": attachment.pk, "project": project.pk, "caption": "", "DELETE": "on"}], initial=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not ProjectAttachment.objects.filter(pk=attachment.pk).exists()
    import os

    assert not os.path.exists(path)


def _empty(prefix):
    return _formset(prefix, [])


def _project_form(project):
    return {
        "title": project.title,
        "stage": project.stage,
        "is_replicable": "",
        "process": project.process,
        "process_first_step": project.process_first_step,
        "process_last_step": project.process_last_step,
        "customer_group": project.customer_group,
        "problem": project.problem,
        "goal": project.goal,
        "leader": project.leader,
        "sponsor": project.sponsor,
        "risks": project.risks,
        "results": project.results,
        "planned_start": project.planned_start.strftime("%d.%m.%Y") if project.planned_start else "",
        "planned_end": project.planned_end.strftime("%d.%m.%Y") if project.planned_end else "",
        "actual_start": "",
        "actual_end": "",
    }


# --- a locked value: every write path refused -----------------------------------------------


@pytest.fixture
def locked(school_a):
    return ValueFactory(organization=school_a, indicator=IndicatorFactory(code="L-1"), period=quarter(2025, 1), value=3)


def _unchanged(value):
    fresh = Value.objects.get(pk=value.pk)
    assert fresh.value == Decimal(3) and fresh.status == ValueStatus.APPROVED


def test_locked_value_admin_change_page_is_read_only(client, office, locked):
    client.force_login(office)
    url = reverse("admin:indicators_value_change", args=[locked.pk])
    assert client.get(url).status_code == 200
    data = {"indicator": locked.indicator_id, "period": locked.period_id, "organization": locked.organization_id}
    assert client.post(url, data | {"value": "999"}).status_code == 403
    _unchanged(locked)


def test_locked_value_cannot_be_deleted_in_the_admin(client, office_admin, locked):
    client.force_login(office_admin)
    url = reverse("admin:indicators_value_delete", args=[locked.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:indicators_value_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"})
    _unchanged(locked)


def test_locked_value_is_refused_by_every_service(office, coordinator_a, school_a, locked):
    with pytest.raises(PermissionDenied):
        indicator_services.value_save(actor=office, value=Value.objects.get(pk=locked.pk), adding=False)
    with pytest.raises(PermissionDenied):
        indicator_services.value_delete(actor=office, value=locked, reason="ошибка")
    with pytest.raises(ValidationError):
        indicator_services.value_submit(actor=coordinator_a, value=locked)
    indicator_services.values_save(
        actor=coordinator_a,
        organization=school_a,
        period=locked.period,
        rows=[EntryRow(locked.indicator, Decimal(99))],
        submit=True,
    )
    _unchanged(locked)


def test_locked_value_is_refused_by_the_entry_page(client, coordinator_a, locked):
    client.force_login(coordinator_a)
    url = reverse("indicators:entry") + f"?organization={locked.organization_id}&period={locked.period_id}"
    client.post(url, {f"value_{locked.indicator_id}": "99", f"comment_{locked.indicator_id}": "", "action": "submit"})
    _unchanged(locked)


def test_reopened_value_changes_again(client, office, locked):
    indicator_services.value_reopen(actor=office, value=locked, reason="Опечатка в отчёте")
    client.force_login(office)
    url = reverse("admin:indicators_value_change", args=[locked.pk])
    data = {
        "indicator": locked.indicator_id,
        "period": locked.period_id,
        "organization": locked.organization_id,
        "value": "4",
        "comment": "",
    }
    assert client.post(url, data).status_code == 302
    assert Value.objects.get(pk=locked.pk).value == Decimal(4)


# --- deleting anything approved asks for a reason ------------------------------------------


def test_deleting_an_approved_project_asks_for_a_reason(client, office, school_a):
    project = ReadyProjectFactory(organization=school_a, status=ProjectStatus.APPROVED)
    client.force_login(office)
    url = reverse("admin:projects_project_delete", args=[project.pk])
    page = client.get(url).content.decode()
    assert 'name="reason"' in page
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200 and Project.objects.filter(pk=project.pk).exists()
    response = client.post(url, {"post": "yes", "reason": "Создан по ошибке дважды"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    last = Project.history.filter(id=project.pk).latest()
    assert last.history_type == "-" and last.history_change_reason == "Создан по ошибке дважды"


def test_bulk_delete_of_approved_projects_is_refused(client, office, school_a):
    project = ReadyProjectFactory(organization=school_a, status=ProjectStatus.APPROVED)
    client.force_login(office)
    client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"},
    )
    assert Project.objects.filter(pk=project.pk).exists()


def test_services_refuse_an_approved_project_deletion_without_reason(office, school_a):
    project = ReadyProjectFactory(organization=school_a, status=ProjectStatus.COMPLETED)
    with pytest.raises(ValidationError):
        project_services.project_delete(actor=office, project=project)


def test_only_office_deletes_projects(coordinator_a, school_a):
    project = ReadyProjectFactory(organization=school_a)
    with pytest.raises(PermissionDenied):
        project_services.project_delete(actor=coordinator_a, project=project)


def test_a_coordinator_without_the_organisation_cannot_submit(coordinator_b, school_a):
    project = ReadyProjectFactory(organization=school_a)
    with pytest.raises(PermissionDenied):
        project_services.project_submit(actor=coordinator_b, project=project)


def test_grant_needs_an_administrator(office, school_a):
    with pytest.raises(PermissionDenied):
        from leanedu.services import membership_grant

        membership_grant(actor=office, user=UserFactory(), organization=school_a, role=Role.COORDINATOR)


def test_granting_keeps_a_hand_given_staff_flag_of_a_coordinator(school_a):
    user = user_with_role(Role.COORDINATOR, school_a, username="keepstaff")
    user.is_staff = True
    user.save()
    from leanedu.services import membership_grant

    membership_grant(actor=None, user=user, organization=school_a, role=Role.OFFICIAL)
    user.refresh_from_db()
    assert user.is_staff


def test_autocomplete_lists_only_rows_in_scope(client, coordinator_a, school_a, school_b, school_elsewhere):
    """The admin's search-as-you-type reads through the same rule."""
    staff(coordinator_a)
    client.force_login(coordinator_a)
    url = reverse("admin:autocomplete")
    params = {"app_label": "indicators", "model_name": "value", "field_name": "organization", "term": ""}
    response = client.get(url, params)
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names == {school_a.short_name}


def test_an_administrator_cannot_make_anyone_superuser(client, office_admin, coordinator_a):
    client.force_login(office_admin)
    url = reverse("admin:auth_user_change", args=[coordinator_a.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    data = {
        "username": coordinator_a.username,
        "first_name": coordinator_a.first_name,
        "last_name": coordinator_a.last_name,
        "email": coordinator_a.email,
        "is_active": "on",
        "is_superuser": "on",
        "date_joined_0": "01.01.2026",
        "date_joined_1": "10:00:00",
    }
    data |= _formset("memberships", [])
    client.post(url, data)
    coordinator_a.refresh_from_db()
    assert not coordinator_a.is_superuser
