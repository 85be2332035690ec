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
