"""Pages: who sees what (showcase, card, cabinet), the cabinet's forms, and
query counts that do not grow with the data."""

from datetime import date

import pytest
from django.urls import reverse

from projects.models import Project, ProjectStatus
from tests.projects.factories import LeanToolFactory, MetricFactory, PilotSiteFactory, ReadyProjectFactory

pytestmark = pytest.mark.django_db

USERS = ["coordinator_a", "coordinator_b", "official", "regional_official", "office", "anonymous"]


def client_for(client, request, role):
    user = request.getfixturevalue(role)
    if user.is_authenticated:
        client.force_login(user)
    return client


# --- showcase --------------------------------------------------------------------------


def test_showcase_shows_only_public_statuses(client, project_in):
    shown = {status: project_in(status, title=f"Проект «{status}»") for status in ProjectStatus}
    html = client.get(reverse("projects:list")).content.decode()
    for status in shown:
        visible = f"Проект «{status}»" in html
        assert visible == (status in ("approved", "in_progress", "completed")), status


@pytest.mark.parametrize("role", USERS)
def test_draft_card_is_404_except_for_its_scope(client, request, role, draft):
    response = client_for(client, request, role).get(draft.get_absolute_url())
    expected = 200 if role in ("coordinator_a", "official", "regional_official", "office") else 404
    assert response.status_code == expected


@pytest.mark.parametrize("role", USERS)
def test_published_card_is_open_to_everyone(client, request, role, published):
    response = client_for(client, request, role).get(published.get_absolute_url())
    assert response.status_code == 200
    assert "Опубликованный проект" in response.content.decode()


def test_card_shows_before_after_and_percent(client, published):
    published.metrics.update(actual_value=29)
    published.is_replicable = True
    published.save()
    html = client.get(published.get_absolute_url()).content.decode()
    assert "−56,7" in html or "-56,7" in html
    assert "Типовое решение" in html
    assert "Учитель тратит больше часа" in html


def test_showcase_filters(client, project_in, school_b, school_elsewhere):
    from tests.factories import KindergartenFactory

    tool = LeanToolFactory(name="5S")
    with_tool = project_in(ProjectStatus.COMPLETED, title="Альфа-проект")
    with_tool.tools.add(tool)
    project_in(ProjectStatus.COMPLETED, title="Бета-проект", stage="diagnostics")
    project_in(ProjectStatus.APPROVED, title="Гамма-проект", organization=school_elsewhere)
    kg = KindergartenFactory(parent=school_b.parent)
    project_in(ProjectStatus.APPROVED, title="Дельта-проект", organization=kg)

    def titles(**params):
        html = client.get(reverse("projects:list"), params).content.decode()
        return {t for t in ("Альфа-проект", "Бета-проект", "Гамма-проект", "Дельта-проект") if t in html}

    assert titles(tool=tool.pk) == {"Альфа-проект"}
    assert titles(stage="diagnostics") == {"Бета-проект"}
    assert titles(kind="kindergarten") == {"Дельта-проект"}
    assert titles(municipality=school_elsewhere.parent.pk) == {"Гамма-проект"}
    assert titles(q="дельта") == {"Дельта-проект"}


def test_showcase_empty_state(client):
    assert "Опубликованных проектов пока нет" in client.get(reverse("projects:list")).content.decode()


# --- pilot sites -----------------------------------------------------------------------------


def test_pilot_sites_cards_with_closed_reason(client, school_a, school_b, project_in):
    PilotSiteFactory(organization=school_a)
    closed = PilotSiteFactory(organization=school_b)
    closed.document.status = "repealed"
    closed.document.save()
    project_in(ProjectStatus.COMPLETED)
    project_in(ProjectStatus.DRAFT)
    html = client.get(reverse("projects:pilot_sites")).content.decode()
    assert school_a.short_name in html and school_b.short_name in html
    assert "утратил силу" in html
    assert "5S в кабинетах" in html


def test_pilot_site_closes_when_document_or_period_expires(school_a):
    site = PilotSiteFactory(organization=school_a, ends_on=date(2030, 1, 1))
    assert site.closed_reason(today=date(2026, 1, 1)) == ""
    assert "2030" in site.closed_reason(today=date(2030, 6, 1))
    site.document.effective_until = date(2027, 1, 1)
    assert "истёк" in site.closed_reason(today=date(2028, 1, 1))


def test_pilot_sites_empty_state(client, db):
    assert "Опорных площадок пока нет" in client.get(reverse("projects:pilot_sites")).content.decode()


# --- cabinet: scoping --------------------------------------------------------------------


def cabinet_urls(project):
    return [
        reverse("projects:cabinet_project", args=[project.pk]),
        reverse("projects:cabinet_edit", args=[project.pk]),
    ]


@pytest.mark.parametrize("role", USERS)
def test_cabinet_pages_of_a_project_only_for_its_coordinator(client, request, role, draft):
    client = client_for(client, request, role)
    for url in cabinet_urls(draft):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role == "coordinator_a":
            assert response.status_code == 200
        else:
            assert response.status_code == 404, (role, url)


@pytest.mark.parametrize("role", ["coordinator_b", "official", "office"])
def test_cabinet_posts_on_another_organisation_are_404(client, request, role, draft):
    client = client_for(client, request, role)
    assert client.post(reverse("projects:cabinet_submit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("projects:cabinet_upload", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT


def test_cabinet_lists_only_own_projects_by_status(client, coordinator_a, project_in, school_b):
    project_in(ProjectStatus.RETURNED, title="Свой возвращённый", review_comment="Добавьте хронометраж.")
    project_in(ProjectStatus.DRAFT, title="Свой черновик")
    project_in(ProjectStatus.DRAFT, title="Чужой черновик", organization=school_b)
    client.force_login(coordinator_a)
    html = client.get(reverse("projects:cabinet")).content.decode()
    assert "Свой возвращённый" in html and "Свой черновик" in html and "Добавьте хронометраж." in html
    assert "Чужой черновик" not in html
    assert 'href="/indicators/entry/"' in html and "Ввод значений целевых показателей" in html
    assert html.index("Возвращён на доработку") < html.index("Черновик")


def test_cabinet_without_coordinator_role_explains(client, official, office):
    client.force_login(official)
    assert "не назначены координатором" in client.get(reverse("projects:cabinet")).content.decode()
    client.force_login(office)
    html = client.get(reverse("projects:cabinet")).content.decode()
    assert reverse("admin:projects_submittedproject_changelist") in html


def test_cabinet_empty_state(client, coordinator_a):
    client.force_login(coordinator_a)
    assert "пока нет проектов" in client.get(reverse("projects:cabinet")).content.decode()


# --- cabinet: forms ------------------------------------------------------------------------


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


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
    {"name": "Время ожидания", "unit": "мин", "direction": "lower", "baseline_value": "12", "target_value": "3"},
    {"name": "Опоздания", "unit": "случаев", "direction": "lower", "baseline_value": "46", "target_value": "10"},
    {"direction": "lower"},  # the empty extra row as a browser posts it
]


def test_coordinator_creates_a_project_with_two_metrics_and_submits(
    client, coordinator_a, school_a, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    data = {
        **PASSPORT,
        **formset_data("metrics", METRICS),
        **formset_data("team", [{"name": "Иванов", "role": "руководитель"}]),
    }
    response = client.post(reverse("projects:cabinet_create"), data)
    project = Project.objects.get(title="Утренний вход без очереди")
    assert response.status_code == 302
    assert project.organization == school_a and project.created_by == coordinator_a
    assert [m.name for m in project.metrics.all()] == ["Время ожидания", "Опоздания"]
    assert project.team.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:cabinet_submit", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_submit_from_cabinet_shows_what_is_missing(client, coordinator_a, school_a):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(organization=school_a)
    client.force_login(coordinator_a)
    response = client.post(reverse("projects:cabinet_submit", args=[project.pk]), follow=True)
    html = response.content.decode()
    assert "Перед отправкой заполните" in html and "руководитель проекта" in html
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_approved_project_accepts_only_results(client, coordinator_a, project_in):
    project = project_in(ProjectStatus.APPROVED)
    metric = project.metrics.get()
    client.force_login(coordinator_a)
    form = client.get(reverse("projects:cabinet_edit", args=[project.pk])).content.decode()
    assert 'name="goal"' not in form and 'name="results"' in form
    data = {
        "stage": "implementation",
        "results": "Ввели общий банк заданий.",
        **formset_data("metrics", [{"id": str(metric.pk), "actual_value": "29", "actual_date": "2026-05-20"}], 1),
    }
    response = client.post(reverse("projects:cabinet_edit", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    metric.refresh_from_db()
    project.refresh_from_db()
    assert metric.actual_value == 29 and project.results == "Ввели общий банк заданий."
    assert metric.target_value == 30  # the plan stays as approved


def test_submitted_project_cannot_be_edited(client, coordinator_a, project_in):
    project = project_in(ProjectStatus.SUBMITTED)
    client.force_login(coordinator_a)
    response = client.get(reverse("projects:cabinet_edit", args=[project.pk]))
    assert response.status_code == 302


# --- query counts at two sizes ------------------------------------------------------------


def _many(count, organization, status=ProjectStatus.COMPLETED):
    tool = LeanToolFactory(name="5S")
    for _ in range(count):
        project = ReadyProjectFactory(organization=organization, status=status)
        project.tools.add(tool)
        MetricFactory(project=project)


def _count(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["showcase", "card", "cabinet", "pilot_sites", "admin"])
def test_query_count_does_not_grow_with_data(
    client, request, page, school_a, coordinator_a, office, django_assert_max_num_queries
):
    if page == "cabinet":
        client.force_login(coordinator_a)
    if page == "admin":
        client.force_login(office)

    def url():
        first = Project.objects.order_by("pk").first()
        return {
            "showcase": reverse("projects:list"),
            "card": first.get_absolute_url() if first else "",
            "cabinet": reverse("projects:cabinet"),
            "pilot_sites": reverse("projects:pilot_sites"),
            "admin": reverse("admin:projects_project_changelist"),
        }[page]

    _many(2, school_a)
    PilotSiteFactory(organization=school_a)
    small = _count(client, url(), django_assert_max_num_queries)
    _many(25, school_a)
    for _ in range(10):
        PilotSiteFactory()
    large = _count(client, url(), django_assert_max_num_queries)
    assert large == small, (page, small, large)
    assert small <= 15


def test_active_pilot_sites_follow_their_document(school_a, school_b):
    open_site = PilotSiteFactory(organization=school_a)
    repealed = PilotSiteFactory(organization=school_b)
    repealed.document.status = "repealed"
    repealed.document.save()
    expired = PilotSiteFactory(ends_on=date(2024, 1, 1))
    from projects.models import PilotSite

    active = set(PilotSite.objects.active(on=date(2026, 1, 1)))
    assert active == {open_site}
    assert all(site.is_closed for site in (repealed, expired)) and not open_site.is_closed


def test_pilot_site_card_links_to_its_projects(client, school_a, school_b, project_in):
    PilotSiteFactory(organization=school_a)
    project_in(ProjectStatus.COMPLETED, title="Проект площадки")
    project_in(ProjectStatus.COMPLETED, title="Проект соседей", organization=school_b)
    html = client.get(reverse("projects:pilot_sites")).content.decode()
    link = f"?organization={school_a.pk}"
    assert link in html
    listing = client.get(reverse("projects:list") + link).content.decode()
    assert "Проект площадки" in listing and "Проект соседей" not in listing


def test_showcase_search_understands_russian_word_forms_and_school_names(client, project_in, school_b):
    project_in(ProjectStatus.COMPLETED, title="Очередь в школьной столовой")
    project_in(ProjectStatus.COMPLETED, title="Выдача учебников", organization=school_b)

    def titles(q):
        html = client.get(reverse("projects:list"), {"q": q}).content.decode()
        return {t for t in ("Очередь в школьной столовой", "Выдача учебников") if t in html}

    assert titles("очереди в столовую") == {"Очередь в школьной столовой"}
    assert titles("учебник") == {"Выдача учебников"}
    assert titles(school_b.short_name) == {"Выдача учебников"}
    assert titles("бассейн") == set()


@pytest.mark.parametrize("role", ["official", "office", "coordinator_a", "anonymous"])
def test_new_project_page(client, request, role):
    response = client_for(client, request, role).get(reverse("projects:cabinet_create"))
    expected = {"coordinator_a": 200, "anonymous": 302}.get(role, 404)
    assert response.status_code == expected


def test_coordinator_of_two_organisations_chooses_one(client, coordinator_a, school_a, school_b):
    from leanedu.roles import Role
    from leanedu.services import membership_grant

    membership_grant(actor=None, user=coordinator_a, organization=school_b, role=Role.COORDINATOR)
    client.force_login(coordinator_a)
    page = client.get(reverse("projects:cabinet_create")).content.decode()
    assert 'name="organization"' in page
    data = {**PASSPORT, "organization": str(school_b.pk), **formset_data("metrics", []), **formset_data("team", [])}
    assert client.post(reverse("projects:cabinet_create"), data).status_code == 302
    assert Project.objects.get(title=PASSPORT["title"]).organization == school_b
