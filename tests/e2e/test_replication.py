"""«Повторить у себя» in a real Chromium: a coordinator of another school
repeats a standard solution, completes and submits the draft, the office
approves it, and BT-19 counts it on the public dashboard."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF

from leanedu.roles import Role
from tests.e2e.axe import serious_violations
from tests.e2e.test_projects_cycle import PASSWORD, admin_action, sign_in
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def solution(settings, tmp_path):
    from indicators.models import Method, Period, Unit
    from projects.models import ProjectStatus
    from projects.services import attachment_add
    from tests.indicators.factories import IndicatorFactory
    from tests.projects.factories import ReadyProjectFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    region = RegionFactory()
    municipality = MunicipalityFactory(parent=region, short_name="Управление образования г. Троицка")
    school_a = SchoolFactory(parent=municipality, short_name="МАОУ «СОШ № 13»")
    school_b = SchoolFactory(parent=municipality, short_name="МОУ «СОШ № 15»")
    user_with_role(Role.COORDINATOR, school_b, username="tanya")
    office = user_with_role(Role.OFFICE, municipality, username="olga")
    project = ReadyProjectFactory(
        organization=school_a,
        title="Сокращение времени подготовки контрольных работ",
        status=ProjectStatus.COMPLETED,
        is_replicable=True,
    )
    project.metrics.update(actual_value=Decimal(29))
    pdf = FPDF()
    pdf.add_page()
    attachment_add(
        actor=office, project=project, kind="standard", upload=SimpleUploadedFile("Стандарт.pdf", bytes(pdf.output()))
    )
    IndicatorFactory(
        code="BT-19",
        name="Число проектов, тиражированных в другие организации",
        unit=Unit.UNITS,
        method=Method.REPLICATIONS,
    )
    Period.ensure_year(timezone.localdate().year)
    return project


def test_repeat_a_standard_solution_to_approval_and_bt19(page, browser, solution):
    from indicators.models import Period

    sign_in(page, "tanya")
    page.goto(page.base_url + solution.get_absolute_url())
    page.get_by_role("link", name="Повторить у себя").click()
    page.get_by_role("heading", name="Повторить у себя").wait_for()
    assert serious_violations(page) == []
    page.get_by_label("Стандарт: Стандарт.pdf").check()
    page.get_by_role("button", name="Создать черновик").click()
    page.get_by_text("Этот проект повторяет типовое решение").wait_for()
    assert page.get_by_role("link", name="Стандарт: Стандарт.pdf").is_visible()

    page.get_by_role("link", name="Изменить паспорт").click()
    assert page.locator("[name=problem]").input_value() == solution.problem
    page.fill("[name=leader]", "Морозова Татьяна Андреевна, заместитель директора")
    page.fill("[name=planned_start]", "2026-01-12")
    page.fill("[name=planned_end]", "2026-05-29")
    page.fill("[name=metrics-0-baseline_value]", "55")
    page.fill("[name=metrics-0-target_value]", "30")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Изменения сохранены").wait_for()
    page.get_by_role("button", name="Отправить в проектный офис").click()
    page.get_by_text("Проект отправлен в проектный офис").wait_for()

    staff = browser.new_context(locale="ru-RU").new_page()
    staff.goto(page.base_url + "/admin/login/")
    staff.fill("#id_username", "olga")
    staff.fill("#id_password", PASSWORD)
    staff.locator("input[type=submit]").click()
    staff.wait_for_url(page.base_url + "/admin/")
    admin_action(staff, page.base_url, solution.title, "Одобрить выбранные проекты", "")
    staff.context.close()

    public = browser.new_context(locale="ru-RU").new_page()
    public.goto(page.base_url + solution.get_absolute_url())
    assert (
        public.get_by_role("cell", name="МОУ «СОШ № 15»").is_visible()
        or public.get_by_text("МОУ «СОШ № 15»").is_visible()
    )
    year = Period.objects.get(kind="year", year=timezone.localdate().year)
    public.goto(f"{page.base_url}/indicators/BT-19/?period={year.pk}")
    figure = public.locator("p.display-6")
    assert figure.inner_text().strip() == "1"
    figure.get_by_role("link").click()
    public.get_by_role("link", name=solution.title).wait_for()
    assert public.get_by_text("МОУ «СОШ № 15»").first.is_visible()
    assert serious_violations(public) == []
    public.context.close()
