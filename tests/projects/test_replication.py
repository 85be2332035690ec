"""«Повторить у себя»: a standard solution repeated elsewhere, its card, the
showcase filter, the office's ZIP, and BT-19 counted from the links."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF
from pypdf import PdfReader

from projects.models import Project, ProjectStage, ProjectStatus, ProjectTransition
from projects.services import TRANSITIONS, attachment_add, project_replicate
from tests.projects.factories import LeanToolFactory, ReadyProjectFactory

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


@pytest.fixture
def solution(school_a, office):
    """A completed standard solution of school A with a standard and a photo."""
    project = ReadyProjectFactory(organization=school_a, status=ProjectStatus.COMPLETED, is_replicable=True)
    project.tools.set([LeanToolFactory(name="5S"), LeanToolFactory(name="Стандартизация работы")])
    project.metrics.update(actual_value=Decimal(29))
    attachment_add(
        actor=office, project=project, kind="standard", upload=SimpleUploadedFile("Стандарт.pdf", pdf_bytes())
    )
    attachment_add(
        actor=office, project=project, kind="action_plan", upload=SimpleUploadedFile("План.pdf", pdf_bytes())
    )
    return project


def test_repeat_makes_a_linked_draft_with_the_chosen_files(solution, coordinator_b, school_b):
    standard = solution.attachments.get(kind="standard")
    copy = project_replicate(actor=coordinator_b, source=solution, organization=school_b, attachments=[standard])
    assert (copy.organization, copy.status, copy.source) == (school_b, ProjectStatus.DRAFT, solution)
    assert (copy.title, copy.problem, copy.goal) == (solution.title, solution.problem, solution.goal)
    assert {t.name for t in copy.tools.all()} == {"5S", "Стандартизация работы"}
    metric = copy.metrics.get()
    assert (metric.name, metric.unit, metric.direction) == ("Время подготовки контрольной работы", "мин", "lower")
    assert (metric.baseline_value, metric.target_value, metric.actual_value) == (None, None, None)
    assert [a.original_name for a in copy.attachments.all()] == ["Стандарт.pdf"]
    with copy.attachments.get().file.open("rb") as a, standard.file.open("rb") as b:
        assert a.read() == b.read()
    assert copy.attachments.get().file.name != standard.file.name
    assert copy.leader == "" and copy.planned_start is None  # the copier's own


def test_repeat_is_refused_for_own_organisation_and_for_others(solution, coordinator_a, coordinator_b, school_a):
    with pytest.raises(ValidationError):
        project_replicate(actor=coordinator_a, source=solution, organization=school_a)
    with pytest.raises(PermissionDenied):
        project_replicate(actor=coordinator_b, source=solution, organization=school_a)
    solution.is_replicable = False
    solution.save()
    with pytest.raises(Project.DoesNotExist):
        project_replicate(
            actor=coordinator_b, source=solution, organization=coordinator_b.memberships.get().organization
        )
    assert Project.objects.count() == 1


def test_the_page_offers_repeat_to_other_coordinators_only(client, solution, coordinator_a, coordinator_b, anonymous):
    url = reverse("projects:replicate", args=[solution.pk])
    assert url not in client.get(solution.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(coordinator_a)
    assert url not in client.get(solution.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(coordinator_b)
    assert url in client.get(solution.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Стандарт.pdf" in html and "План.pdf" in html
    plan = solution.attachments.get(kind="action_plan")
    response = client.post(
        url, {"organization": coordinator_b.memberships.get().organization_id, "attachments": [plan.pk]}
    )
    copy = Project.objects.get(source=solution)
    assert response.status_code == 302 and response["Location"] == reverse("projects:cabinet_project", args=[copy.pk])
    cabinet = client.get(response["Location"]).content.decode()
    assert solution.get_absolute_url() in cabinet and "План.pdf" in cabinet


def approve(copy, office, coordinator, day=None):
    copy.leader = "Иванова"
    copy.planned_start, copy.planned_end = datetime.date(2025, 2, 1), datetime.date(2025, 6, 1)
    copy.save()
    copy.metrics.update(baseline_value=60, target_value=30)
    TRANSITIONS["submit"](actor=coordinator, project=copy)
    TRANSITIONS["approve"](actor=office, project=copy)
    if day:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        ProjectTransition.objects.filter(project=copy, to_status="approved").update(created_at=at)


def test_the_card_lists_who_repeated_it_and_the_showcase_filters_them(
    client, solution, coordinator_b, school_b, office
):
    copy = project_replicate(actor=coordinator_b, source=solution, organization=school_b)
    html = client.get(solution.get_absolute_url()).content.decode()
    assert "Ещё никто не повторил" in html or school_b.short_name not in html  # a draft is not shown
    listed = client.get(reverse("projects:list"), {"repeated": "on"}).context["page"].object_list
    assert list(listed) == []
    approve(copy, office, coordinator_b)
    html = client.get(solution.get_absolute_url()).content.decode()
    assert school_b.short_name in html and copy.get_absolute_url() in html
    solution.refresh_from_db()
    assert solution.stage == ProjectStage.REPLICATION  # the first approved copy elsewhere
    listed = client.get(reverse("projects:list"), {"repeated": "on"}).context["page"].object_list
    assert [p.pk for p in listed] == [solution.pk]
    assert solution.get_absolute_url() in client.get(copy.get_absolute_url()).content.decode()


def test_bt19_counts_copies_when_approved_per_period(solution, coordinator_b, school_b, office, municipality):
    from indicators.facts import computed_basis, computed_values
    from indicators.models import Method
    from leanedu.models import Organization
    from tests.indicators.factories import period

    copy = project_replicate(actor=coordinator_b, source=solution, organization=school_b)
    orgs = Organization.objects.all()
    assert computed_values(orgs, period("year", 2025))[Method.REPLICATIONS].value == 0
    approve(copy, office, coordinator_b, day=datetime.date(2025, 3, 14))
    assert computed_values(orgs, period("year", 2025))[Method.REPLICATIONS].value == 1
    assert computed_values(orgs, period("academic", 2024))[Method.REPLICATIONS].value == 1
    assert computed_values(orgs, period("year", 2024))[Method.REPLICATIONS].value == 0
    assert list(computed_basis(Method.REPLICATIONS, orgs, period("year", 2025)).numerator) == [copy]
    # Counted for the organisation whose solution was repeated.
    elsewhere = Organization.objects.exclude(municipality=municipality)
    assert computed_values(elsewhere, period("year", 2025))[Method.REPLICATIONS].value == 0


def test_the_office_downloads_the_materials_as_one_zip(client, solution, office, coordinator_b):
    url = reverse("projects:materials", args=[solution.pk])
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 403
    client.force_login(office)
    assert url in client.get(solution.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names[0] == "Паспорт проекта.pdf"
    assert sorted(names[1:]) == ["План мероприятий — План.pdf", "Стандарт — Стандарт.pdf"]
    text = PdfReader(io.BytesIO(archive.read("Паспорт проекта.pdf"))).pages[0].extract_text()
    assert solution.title in text and "Стандартизация работы" in text and "Время подготовки" in text
