"""Issue 10 tried again on main as an insider would, through the real admin
URLs: the office, an administrator and an official of a municipality who was
given staff status (view-only rights). Every refused POST leaves the rows as
they were; every write that goes through goes through the service."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from api.models import ApiToken
from api.services import token_create
from documents.models import Document
from indicators import services as indicator_services
from indicators.models import ValueStatus
from leanedu import services as kernel_services
from leanedu.models import Membership, Organization
from leanedu.roles import GROUP_NAMES, Role
from projects.models import ProjectStatus
from tests.documents.factories import DocumentFactory
from tests.factories import UserFactory
from tests.indicators.factories import IndicatorFactory, ValueFactory, quarter
from tests.leanedu.test_back_doors import document_rows_csv
from tests.projects.factories import ReadyProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_official(official):
    """An official of school A's municipality with staff status: view rights only."""
    official.is_staff = True
    official.save()
    return official


@pytest.fixture
def draft_value(school_a):
    return ValueFactory(
        organization=school_a, indicator=IndicatorFactory(code="D-1"), period=quarter(2025, 3), value=3, status="draft"
    )


def _history_url(obj, name: str) -> str:
    hid = obj.history.latest().history_id
    return reverse(f"admin:{name}_simple_history", args=[obj.pk, hid])


# --- history: a view-only official reads it and cannot write through it -------------------


def test_view_only_official_reads_history_and_cannot_revert(
    client, staff_official, school_a, coordinator_a, draft_value
):
    draft_value.status = ValueStatus.SUBMITTED  # what an official reads: submitted values of the municipality
    draft_value.save()
    client.force_login(staff_official)
    membership = Membership.objects.get(user=coordinator_a)
    cases = [
        (school_a, "leanedu_organization", {"full_name": "Взломано", "short_name": "Взломано", "kind": "school"}),
        (
            membership,
            "leanedu_membership",
            {"user": coordinator_a.pk, "organization": school_a.pk, "role": Role.ADMIN},
        ),
        (
            draft_value,
            "indicators_value",
            {
                "indicator": draft_value.indicator_id,
                "period": draft_value.period_id,
                "organization": school_a.pk,
                "value": "999",
            },
        ),
    ]
    readable = []
    for obj, name, data in cases:
        url = _history_url(obj, name)
        change = client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        # The history reads like the change page: open where that is, refused where it is not.
        assert (client.get(url).status_code == 200) == (change.status_code == 200), url
        if change.status_code == 200:
            readable.append(name)
        assert client.post(url, data).status_code in (403, 404), url
    assert "leanedu_organization" in readable and "indicators_value" in readable
    school_a.refresh_from_db()
    membership.refresh_from_db()
    draft_value.refresh_from_db()
    assert school_a.short_name == "МОУ «СОШ № 13»"
    assert membership.role == Role.COORDINATOR
    assert draft_value.value == Decimal(3)


def test_history_pages_are_scoped_like_the_change_pages(client, staff_official, school_elsewhere, other_municipality):
    foreign_value = ValueFactory(
        organization=school_elsewhere, indicator=IndicatorFactory(code="F-1"), period=quarter(2025, 1), status="draft"
    )
    internal = DocumentFactory(authority=other_municipality, is_public=False, title="Служебный документ Пласта")
    client.force_login(staff_official)
    for obj, name in ((foreign_value, "indicators_value"), (internal, "documents_document")):
        change = client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        history = client.get(reverse(f"admin:{name}_history", args=[obj.pk]))
        detail = client.get(_history_url(obj, name))
        assert change.status_code in (302, 404)
        assert history.status_code == detail.status_code == 404
        assert "Служебный документ Пласта" not in history.content.decode() + detail.content.decode()


# --- imports: a right of their own, rows through the services ------------------------------


@pytest.mark.parametrize(
    "model", ["leanedu_organization", "documents_document", "indicators_indicator", "indicators_target"]
)
def test_view_only_official_cannot_import(client, staff_official, model):
    client.force_login(staff_official)
    assert client.get(reverse(f"admin:{model}_import")).status_code == 403
    upload = SimpleUploadedFile("rows.csv", b"id,short_name\n,X\n", content_type="text/csv")
    response = client.post(reverse(f"admin:{model}_import"), {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 403
    assert (
        client.post(reverse(f"admin:{model}_process_import"), {"import_file_name": "x", "format": "0"}).status_code
        == 403
    )


def test_office_imports_documents_through_the_service(client, office, municipality, monkeypatch):
    calls = []
    from documents import services as document_services

    original = document_services.document_create

    def spy(**kwargs):
        calls.append(kwargs["actor"])
        return original(**kwargs)

    monkeypatch.setattr(document_services, "document_create", spy)
    client.force_login(office)
    row = {
        "kind": "Приказ",
        "authority": municipality.short_name,
        "number": "88-р",
        "date_signed": "01.02.2026",
        "title": "О порядке",
        "status": "draft",
        "is_public": "1",
    }
    upload = SimpleUploadedFile("rows.csv", document_rows_csv(row).encode(), content_type="text/csv")
    response = client.post(
        reverse("admin:documents_document_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    assert calls == [office]  # the preview ran the service, as the office
    assert not Document.objects.filter(number="88-р").exists()  # and rolled back


# --- save_model of values and memberships: the services, not super().save_model ------------


def _spy(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def spy(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def test_value_admin_saves_through_the_value_service(client, office, draft_value, monkeypatch):
    calls = _spy(monkeypatch, indicator_services, "value_save")
    client.force_login(office)
    url = reverse("admin:indicators_value_change", args=[draft_value.pk])
    data = {
        "indicator": draft_value.indicator_id,
        "period": draft_value.period_id,
        "organization": draft_value.organization_id,
        "value": "7",
        "comment": "уточнено",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [c["actor"] for c in calls] == [office]
    draft_value.refresh_from_db()
    assert draft_value.value == Decimal(7) and draft_value.entered_by == office
    assert draft_value.history.latest().history_user == office


def test_value_admin_refuses_a_value_for_an_organisation_out_of_scope(client, staff_official, draft_value):
    client.force_login(staff_official)
    url = reverse("admin:indicators_value_change", args=[draft_value.pk])
    data = {
        "indicator": draft_value.indicator_id,
        "period": draft_value.period_id,
        "organization": draft_value.organization_id,
        "value": "999",
    }
    assert client.post(url, data).status_code == 403
    draft_value.refresh_from_db()
    assert draft_value.value == Decimal(3)


def test_membership_admin_saves_through_the_membership_services(client, office_admin, school_a, monkeypatch):
    granted = _spy(monkeypatch, kernel_services, "membership_grant")
    changed = _spy(monkeypatch, kernel_services, "membership_change")
    newcomer = UserFactory(username="newcomer2")
    client.force_login(office_admin)
    add = reverse("admin:leanedu_membership_add")
    data = {"user": newcomer.pk, "organization": school_a.pk, "role": Role.COORDINATOR, "position": ""}
    assert client.post(add, data).status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert [c["actor"] for c in granted] == [office_admin]
    change = reverse("admin:leanedu_membership_change", args=[membership.pk])
    assert client.post(change, data | {"role": Role.OFFICIAL}).status_code == 302
    assert [c["actor"] for c in changed] == [office_admin]
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert set(newcomer.groups.values_list("name", flat=True)) == {GROUP_NAMES[Role.OFFICIAL]}


def test_office_cannot_grant_roles_in_the_membership_admin(client, office, school_a):
    newcomer = UserFactory(username="newcomer3")
    client.force_login(office)
    data = {"user": newcomer.pk, "organization": school_a.pk, "role": Role.ADMIN, "position": ""}
    assert client.post(reverse("admin:leanedu_membership_add"), data).status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


# --- exports: open data formula-safe, passport dates as dates -------------------------------


def test_open_data_csv_neutralises_formulas(client, school_a):
    project = ReadyProjectFactory(organization=school_a, status=ProjectStatus.APPROVED, title="=1+1", problem="@SUM(1)")
    assert project in type(project).objects.public()
    meta = {
        r["property"]: r["value"]
        for r in csv.DictReader(io.StringIO(client.get("/opendata/projects/meta.csv").content.decode()))
    }
    data_url = meta[next(k for k in meta if k.startswith("data-"))]
    response = client.get(data_url)
    text = b"".join(response.streaming_content).decode()
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert "'=1+1" in cells and "=1+1" not in cells


def test_passport_export_dates_are_date_cells(client, office, school_a):
    ReadyProjectFactory(organization=school_a, status=ProjectStatus.APPROVED, planned_start=dt.date(2025, 9, 1))
    client.force_login(office)
    url = reverse("admin:projects_project_export")
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0"}
    data.update({name: "on" for name in form.fields if name.startswith("projectpassportresource_")})
    sheet = load_workbook(io.BytesIO(client.post(url, data).content)).active
    starts = [
        cell for row in sheet.iter_rows() for cell in row if cell.is_date and cell.value.date() == dt.date(2025, 9, 1)
    ]
    assert starts and all(cell.number_format == "DD.MM.YYYY" for cell in starts)


# --- the 429 page is what a locked-out login gets -------------------------------------------


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_lockout_is_the_sites_429_page(client, settings, url_name):
    UserFactory(username="victim")
    url = reverse(url_name)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "victim", "password": "wrong-password"})
    response = client.post(url, {"username": "victim", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "429.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Слишком много неудачных попыток" in html and 'href="/"' in html


# --- API tokens in the back office ----------------------------------------------------------


def test_token_admin_is_scoped_and_readable(client, office, coordinator_a, coordinator_b):
    token_a, _key = token_create(actor=coordinator_a, name="Выгрузка школы А")
    coordinator_a.first_name, coordinator_a.last_name = "Ольга", "Петрова"
    coordinator_a.save()
    client.force_login(office)
    page = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "Выгрузка школы А" in page and "Ольга Петрова" in page and "действует" in page
    detail = client.get(reverse("admin:api_apitoken_change", args=[token_a.pk]))
    assert detail.status_code == 200 and f"le_{token_a.prefix}_…" in detail.content.decode()
    # A coordinator given staff status by hand: no rights, no rows, no revoking.
    coordinator_b.is_staff = True
    coordinator_b.save()
    client.force_login(coordinator_b)
    assert client.get(reverse("admin:api_apitoken_change", args=[token_a.pk])).status_code in (302, 403, 404)
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token_a.pk]})
    assert ApiToken.objects.get(pk=token_a.pk).is_active
    # The rule itself: own tokens for everyone, all of them for office staff.
    assert list(ApiToken.objects.visible_to(coordinator_b)) == []
    assert list(ApiToken.objects.visible_to(coordinator_a)) == [token_a]
    assert list(ApiToken.objects.visible_to(office)) == [token_a]


def test_organisations_unchanged_by_refused_imports(client, office):
    before = list(Organization.objects.order_by("pk").values())
    client.force_login(office)
    upload = SimpleUploadedFile("rows.csv", "id,short_name\n,Новая школа\n".encode(), content_type="text/csv")
    client.post(reverse("admin:leanedu_organization_import"), {"import_file": upload, "format": "0", "resource": "0"})
    assert list(Organization.objects.order_by("pk").values()) == before
