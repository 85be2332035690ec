"""The demo data: idempotent, pilot sites designated by 137-р, projects in
several statuses with metrics and photos; the region seed in bulk."""

import pytest
from django.core.management import call_command

from documents.models import Document
from projects import demo
from projects.models import LeanTool, PilotSite, Project, ProjectAttachment, ProjectMetric

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (LeanTool, PilotSite, Project, ProjectMetric, ProjectAttachment))


def test_seed_is_idempotent_and_realistic(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", quiet_accounts=True)
    first = counts()
    call_command("seed_demo", quiet_accounts=True)
    assert counts() == first
    assert Document.objects.filter(number="137-р").count() == 1
    assert PilotSite.objects.filter(document__number="137-р").count() == len(demo.PILOT_SITES)
    # The office's own demo projects; proposals turned into projects and copies of standard solutions come on top.
    assert 8 <= Project.objects.filter(proposals__isnull=True, source__isnull=True).count() <= 10
    assert len(set(Project.objects.values_list("status", flat=True))) >= 5
    papers = ProjectMetric.objects.get(name="Время подготовки одной контрольной работы", project__source=None)
    assert (papers.baseline_value, papers.actual_value, papers.goal_reached) == (67, 29, True)
    assert ProjectAttachment.objects.filter(kind="photo_after").exists()
    assert LeanTool.objects.filter(name="5S").exists()


def test_seed_uses_the_registry_document_when_it_is_there(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", quiet_accounts=True)
    # As if the registry's own seed had written 137-р with its own wording.
    Document.objects.filter(number="137-р").update(title="О создании опорных площадок (редакция реестра)")
    PilotSite.objects.all().delete()
    call_command("seed_demo", quiet_accounts=True)
    assert Document.objects.filter(number="137-р").count() == 1
    assert set(PilotSite.objects.values_list("document__title", flat=True)) == {
        "О создании опорных площадок (редакция реестра)"
    }


def test_region_seed_in_bulk_and_idempotent(monkeypatch, settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    monkeypatch.setattr(demo, "REGION_PROJECTS", 75)
    call_command("seed_demo", region=2, orgs_per_municipality=5, quiet_accounts=True)
    synthetic = Project.objects.filter(organization__municipality__short_name__startswith="Синтетический МО")
    assert synthetic.count() == 75  # capped by REGION_PROJECTS (10 organisations × 10 would be 100)
    assert ProjectMetric.objects.filter(project__in=synthetic).count() == 75
    call_command("seed_demo", region=2, orgs_per_municipality=5, quiet_accounts=True)
    assert synthetic.count() == 75


def test_small_region_gets_ten_projects_per_organisation(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", region=1, orgs_per_municipality=4, quiet_accounts=True)
    synthetic = Project.objects.filter(organization__municipality__short_name__startswith="Синтетический МО")
    assert synthetic.count() == 40


def test_draft_creation_contract_for_other_apps(school_a, coordinator_a):
    project = Project.objects.create(organization=school_a, title="Из предложения", created_by=coordinator_a)
    assert project.status == "draft" and project.stage == "preparation"


def test_seed_repeats_standard_solutions_so_bt19_counts_per_year(monkeypatch):
    """BT-19 is not 0 in the demo: copies of standard solutions in other
    schools, approved in 2024, 2025 and 2026 (one still awaiting approval)."""
    from indicators.facts import computed_values
    from indicators.models import Method, Period
    from leanedu.models import Organization

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-123")
    call_command("seed_demo", quiet_accounts=True)
    copies = Project.objects.filter(source__isnull=False)
    assert copies.count() == len(demo.REPLICATIONS)
    for copy in copies.select_related("source__organization", "organization"):
        assert copy.source.is_replicable and copy.organization != copy.source.organization
        assert copy.title == copy.source.title
        assert list(copy.metrics.values_list("actual_value", flat=True)) == [None] * copy.source.metrics.count()
    orgs = Organization.objects.all()
    bt19 = {
        year: computed_values(orgs, Period.from_code(year), [Method.REPLICATIONS])[Method.REPLICATIONS].value
        for year in ("2024", "2025", "2026")
    }
    assert bt19 == {"2024": 1, "2025": 2, "2026": 1}
