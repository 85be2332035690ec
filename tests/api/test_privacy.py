"""No personal data in any public response: every API list (all pages,
every detail) and every open data file, read anonymously over the demo,
holds none of the demo's names, e-mails and phones."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from api.urls import list_paths
from projects.models import PilotSite, Project, TeamMember
from proposals.models import Proposal
from tests.api.conftest import all_pages

pytestmark = pytest.mark.django_db


def personal_strings() -> set[str]:
    found: set[str] = set()
    for user in get_user_model().objects.all():
        # Not usernames: the demo's are words like «region» or «office».
        found |= {user.email, user.get_full_name(), user.last_name}
    for proposal in Proposal.objects.all():
        found |= {proposal.author_name, proposal.email, proposal.phone}
    found |= set(TeamMember.objects.values_list("name", flat=True))
    for project in Project.objects.all():
        found |= {project.leader, project.sponsor}
    # Pilot-site curators are users (above). Short or generic strings would match anything.
    return {s.strip() for s in found if s and len(s.strip()) >= 5}


def public_bodies(api, client) -> dict[str, str]:
    bodies = {}
    for url in list_paths():
        bodies[url] = "\n".join(str(row) for row in all_pages(api, url, page_size=1000))
    for project in Project.objects.public():
        bodies[f"project {project.pk}"] = api.get(f"/api/v1/projects/{project.pk}/").content.decode()
    for site in PilotSite.objects.all():
        bodies[f"site {site.pk}"] = api.get(f"/api/v1/pilot-sites/{site.pk}/").content.decode()
    for level in ("region", "municipality", "organization"):
        bodies[f"facts {level}"] = str(all_pages(api, "/api/v1/facts/", period="2025", level=level))
    bodies["computed"] = api.get("/api/v1/computed/", {"period": "2025"}).content.decode()
    bodies["schema"] = client.get("/api/schema/").content.decode()
    for dataset in api.get("/api/v1/datasets/").json():
        for key in ("meta_url", "data_url", "structure_url"):
            response = client.get(dataset[key])
            content = b"".join(response.streaming_content) if response.streaming else response.content
            bodies[dataset[key]] = content.decode()
    bodies["list.csv"] = client.get("/opendata/list.csv").content.decode()
    bodies["opendata index"] = client.get("/opendata/").content.decode()
    return bodies


def test_no_personal_data_in_public_responses(api, client, demo):
    # A published answer whose author left every personal field.
    Proposal.objects.published_answers().filter(pk=Proposal.objects.published_answers().first().pk).update(
        author_name="Сидорова Анна Петровна", email="anna.sidorova@example.ru", phone="+7 912 345-67-89"
    )
    personal = personal_strings()
    assert len(personal) > 10  # the demo has people and e-mails to look for
    assert "+7 912 345-67-89" in personal
    bodies = public_bodies(api, client)
    leaks = [(where, s) for where, body in bodies.items() for s in personal if s in body]
    assert leaks == []
