"""The back office: staff get in, others do not; scoped querysets."""

import pytest

pytestmark = pytest.mark.django_db


def test_office_staff_open_the_organisation_list(client, office, school_a, school_b):
    client.force_login(office)
    response = client.get("/admin/leanedu/organization/")
    assert response.status_code == 200
    assert "МОУ «СОШ № 13»" in response.content.decode()


def test_coordinator_cannot_enter_the_admin(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get("/admin/leanedu/organization/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302


def test_administrator_manages_users_with_history(client, office_admin, coordinator_a):
    client.force_login(office_admin)
    response = client.get(f"/admin/auth/user/{coordinator_a.pk}/change/")
    assert response.status_code == 200
    response = client.get(f"/admin/auth/user/{coordinator_a.pk}/history/")
    assert response.status_code == 200


def test_office_staff_cannot_manage_users(client, office, coordinator_a):
    client.force_login(office)
    assert client.get(f"/admin/auth/user/{coordinator_a.pk}/change/").status_code == 403


def test_organisation_list_query_count_does_not_grow(client, office, municipality, django_assert_max_num_queries):
    from tests.factories import SchoolFactory

    client.force_login(office)
    SchoolFactory.create_batch(3, parent=municipality)
    with django_assert_max_num_queries(12):
        client.get("/admin/leanedu/organization/")
    SchoolFactory.create_batch(40, parent=municipality)
    with django_assert_max_num_queries(12):
        client.get("/admin/leanedu/organization/")


def test_autocomplete_offers_education_authorities_before_schools(client, office, municipality):
    """«Троиц» for a document's issuing authority: the education department first, then the schools."""
    from tests.factories import SchoolFactory

    municipality.short_name = "Управление образования г. Троицка"
    municipality.save()
    for n in range(1, 13):
        SchoolFactory(short_name=f"МОУ «СОШ № {n} г. Троицка»", parent=municipality)
    client.force_login(office)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "Троиц", "app_label": "documents", "model_name": "document", "field_name": "authority"},
    )
    assert response.status_code == 200
    names = [row["text"] for row in response.json()["results"]]
    assert names[0] == "Управление образования г. Троицка"
    assert len(names) == 13


def test_office_reads_a_membership_without_a_link_it_would_be_refused(client, office, coordinator_a):
    """Office staff may view memberships but not user accounts: the person is
    shown by full name, and no link on the page leads to a 403."""
    coordinator_a.first_name, coordinator_a.last_name = "Ирина", "Смирнова"
    coordinator_a.save()
    membership = coordinator_a.memberships.get()
    client.force_login(office)
    page = client.get(f"/admin/leanedu/membership/{membership.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ирина Смирнова" in html
    assert f"/admin/auth/user/{coordinator_a.pk}/" not in html
    organisation = client.get(f"/admin/leanedu/organization/{membership.organization_id}/change/").content.decode()
    assert f"/admin/auth/user/{coordinator_a.pk}/" not in organisation
    assert client.get(f"/admin/auth/user/{coordinator_a.pk}/change/").status_code == 403
