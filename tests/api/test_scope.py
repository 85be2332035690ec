"""Personal tokens read exactly what their user reads on the site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken, hash_key
from indicators.models import ValueStatus
from projects.models import ProjectStatus
from tests.api.conftest import all_pages, client_for
from tests.indicators.factories import IndicatorFactory, ValueFactory, quarter
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(school_a, school_b, school_elsewhere):
    """One value in each status at school A, a submitted one at B and at a school of another municipality."""
    indicator = IndicatorFactory(code="T-API")
    made = {}
    for n, status in enumerate(ValueStatus.values, start=1):
        made[status] = ValueFactory(indicator=indicator, organization=school_a, period=quarter(2025, n), status=status)
    made["b_submitted"] = ValueFactory(
        indicator=indicator, organization=school_b, period=quarter(2025, 1), status=ValueStatus.SUBMITTED
    )
    made["elsewhere_submitted"] = ValueFactory(
        indicator=indicator, organization=school_elsewhere, period=quarter(2025, 1), status=ValueStatus.SUBMITTED
    )
    made["elsewhere_approved"] = ValueFactory(
        indicator=indicator, organization=school_elsewhere, period=quarter(2025, 2), status=ValueStatus.APPROVED
    )
    return made


def ids(rows) -> set[int]:
    return {row["id"] for row in rows}


def test_anonymous_reads_approved_values_only(api, values):
    rows = all_pages(api, "/api/v1/values/")
    assert ids(rows) == {values["approved"].pk, values["elsewhere_approved"].pk}


def test_coordinator_token_adds_own_organisation_in_every_status(values, coordinator_a):
    rows = all_pages(client_for(coordinator_a), "/api/v1/values/")
    own = {values[s].pk for s in ValueStatus.values}
    assert ids(rows) == own | {values["elsewhere_approved"].pk}


def test_official_token_adds_submitted_and_returned_of_the_territory(values, official):
    rows = all_pages(client_for(official), "/api/v1/values/")
    expected = {values[s].pk for s in ("approved", "submitted", "returned")}
    expected |= {values["b_submitted"].pk, values["elsewhere_approved"].pk}
    assert ids(rows) == expected  # not the other municipality's submitted value, not drafts


def test_regional_official_sees_the_whole_region_under_review(values, regional_official):
    rows = all_pages(client_for(regional_official), "/api/v1/values/")
    assert values["elsewhere_submitted"].pk in ids(rows)
    assert values["draft"].pk not in ids(rows)


def test_office_token_reads_everything(values, office):
    rows = all_pages(client_for(office), "/api/v1/values/")
    assert ids(rows) == {v.pk for v in values.values()}


def test_projects_follow_the_site_scope(school_a, school_elsewhere, coordinator_a, official):
    draft = ProjectFactory(organization=school_a, status=ProjectStatus.DRAFT)
    public = ProjectFactory(organization=school_elsewhere, status=ProjectStatus.COMPLETED)
    other_draft = ProjectFactory(organization=school_elsewhere, status=ProjectStatus.DRAFT)
    anonymous = ids(all_pages(client_for(None), "/api/v1/projects/"))
    assert anonymous == {public.pk}
    assert ids(all_pages(client_for(coordinator_a), "/api/v1/projects/")) == {draft.pk, public.pk}
    assert ids(all_pages(client_for(official), "/api/v1/projects/")) == {draft.pk, public.pk}
    # A project outside the scope is a 404, as on the site.
    assert client_for(coordinator_a).get(f"/api/v1/projects/{other_draft.pk}/").status_code == 404
    assert client_for(None).get(f"/api/v1/projects/{draft.pk}/").status_code == 404


def test_facts_hold_approved_values_only_whoever_asks(values, office):
    rows = client_for(office).get("/api/v1/facts/", {"period": "2025", "level": "organization"}).json()["results"]
    assert {row["area_id"] for row in rows} == {
        values["approved"].organization_id,
        values["elsewhere_approved"].organization_id,
    }


def test_a_revoked_or_wrong_token_is_refused(coordinator_a, values):
    client = client_for(coordinator_a)
    assert client.get("/api/v1/values/").status_code == 200
    ApiToken.objects.filter(user=coordinator_a).update(revoked_at="2026-01-01T00:00:00Z")
    response = client.get("/api/v1/values/")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    bad = client_for(None)
    bad.credentials(HTTP_AUTHORIZATION="Bearer le_nothing_here")
    assert bad.get("/api/v1/values/").status_code == 401


def test_token_page_shows_the_key_once_and_stores_only_its_hash(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(reverse("api_tokens:list"), {"name": "Выгрузка"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    key = response.context["new_key"]
    assert key.startswith("le_") and key in response.content.decode()
    token = ApiToken.objects.get(user=coordinator_a)
    assert token.key_hash == hash_key(key) and key not in (token.prefix, token.key_hash)
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert key not in again and "Выгрузка" in again
    # The key works, then the user revokes it on the page and it stops working.
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/values/").status_code == 200
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert api.get("/api/v1/values/").status_code == 401


def test_token_page_needs_a_login_and_nobody_revokes_anothers_token(client, coordinator_a, coordinator_b):
    assert client.get(reverse("api_tokens:list")).status_code == 302
    from api.services import token_create

    token, _key = token_create(actor=coordinator_a, name="A")
    client.force_login(coordinator_b)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_office_sees_and_revokes_tokens_in_the_back_office(client, office, coordinator_a, coordinator_b):
    from api.services import token_create

    token, _key = token_create(actor=coordinator_a, name="Выгрузка школы")
    client.force_login(office)
    changelist = client.get(reverse("admin:api_apitoken_changelist"))
    assert changelist.status_code == 200 and "Выгрузка школы" in changelist.content.decode()
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert not token.is_active
    client.force_login(coordinator_b)
    assert client.get(reverse("admin:api_apitoken_changelist")).status_code in (302, 403)
