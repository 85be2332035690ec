"""Cached fragments of the public lists: a second view of an unchanged list
runs no list query, and any change — through a service, the admin, a bulk
update — shows on the very next view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services as documents_services
from projects.models import Project, ProjectStatus
from tests.documents.factories import DocumentFactory
from tests.projects.factories import PilotSiteFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_documents_list_is_cached_and_shows_a_change_at_once(client, office, region):
    first = DocumentFactory(authority=region, title="О создании проектного офиса")
    url = reverse("documents:list")
    html, _queries = get(client, url)
    assert first.title in html
    again, queries = get(client, url)
    assert first.title in again and queries == 1  # the versions only: no list, count or year query

    second = DocumentFactory(authority=region, title="Об утверждении дорожной карты")
    html, _queries = get(client, url)
    assert second.title in html

    documents_services.document_update(actor=office, document=second, title="Об утверждении плана мероприятий")
    html, _queries = get(client, url)
    assert "Об утверждении плана мероприятий" in html and "Об утверждении дорожной карты" not in html

    region.short_name = "Министерство образования области"
    region.save()
    html, _queries = get(client, url)
    assert "Министерство образования области" in html


def test_each_search_has_its_own_fragment(client, region):
    DocumentFactory(authority=region, title="О внедрении бережливых технологий")
    DocumentFactory(authority=region, title="О проведении конкурса")
    url = reverse("documents:list")
    found, _queries = get(client, url, q="бережливые технологии")
    everything, _queries = get(client, url)
    assert "О проведении конкурса" not in found and "О проведении конкурса" in everything


def test_signed_in_users_are_not_served_the_anonymous_fragment(client, office, region):
    DocumentFactory(authority=region, title="О публичном", is_public=True)
    DocumentFactory(authority=region, title="О внутреннем", is_public=False)
    url = reverse("documents:list")
    anonymous, _queries = get(client, url)
    assert "О внутреннем" not in anonymous
    client.force_login(office)
    staff, _queries = get(client, url)
    assert "О внутреннем" in staff


def test_showcase_and_pilot_sites_follow_bulk_updates(client, school_a):
    project = ProjectFactory(organization=school_a, title="Утренний вход без очереди", status=ProjectStatus.APPROVED)
    url = reverse("projects:list")
    html, _queries = get(client, url)
    assert project.title in html
    _same, queries = get(client, url)
    assert queries == 1
    Project.objects.filter(pk=project.pk).update(title="Столовая без очереди")  # no save(), no signal
    html, _queries = get(client, url)
    assert "Столовая без очереди" in html

    site = PilotSiteFactory(organization=school_a)
    sites_url = reverse("projects:pilot_sites")
    html, _queries = get(client, sites_url)
    assert site.document.title in html
    site.document.title = "О присвоении статуса опорной площадки"
    site.document.save()
    html, _queries = get(client, sites_url)
    assert "О присвоении статуса опорной площадки" in html


def test_a_changed_template_after_an_upgrade_is_not_served_from_the_cache(client, settings, tmp_path):
    """The cache may outlive the code (Redis across a restart): HTML made by
    the previous templates must not be served by the new ones."""
    from leanedu.fragments import release

    folder = tmp_path / "templates"
    (folder / "proposals").mkdir(parents=True)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    original = (settings.BASE_DIR / "proposals/templates/proposals/new.html").read_text()
    release.cache_clear()
    assert "Новая редакция страницы" not in client.get("/proposals/new/").content.decode()
    # The upgrade: a new template, a new process (the digest is taken once per process).
    (folder / "proposals" / "new.html").write_text(
        original.replace("{{ fragment }}", "{{ fragment }}<p>Новая редакция страницы</p>")
    )
    release.cache_clear()
    from django.template import engines

    for engine in engines.all():  # a new process's template loaders start empty
        for loader in engine.engine.template_loaders:
            loader.reset()
    assert "Новая редакция страницы" in client.get("/proposals/new/").content.decode()
    release.cache_clear()
