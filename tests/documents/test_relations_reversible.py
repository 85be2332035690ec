"""Undoing a repeal leaves no traces: «512-р отменяет 137-р» registered and
then deleted (in the service and in the admin) or changed to another kind gives
137-р back its status and validity dates from its history, and its pilot sites
and the computed indicator BT-C1 follow."""

from __future__ import annotations

import datetime as dt

import pytest

from documents import services
from documents.models import DocumentRelation, DocumentStatus, RelationKind
from indicators.facts import computed_values
from indicators.models import Method, Period, PeriodKind
from leanedu.models import Organization
from tests.documents.factories import DocumentFactory
from tests.projects.factories import PilotSiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_137(municipality):
    return DocumentFactory(
        authority=municipality,
        number="137-р",
        date_signed=dt.date(2022, 3, 15),
        effective_from=dt.date(2022, 3, 15),
        title="О создании опорных площадок",
    )


@pytest.fixture
def order_512(municipality):
    return DocumentFactory(
        authority=municipality,
        number="512-р",
        date_signed=dt.date(2024, 1, 20),
        effective_from=dt.date(2024, 2, 1),
        title="О признании утратившим силу распоряжения № 137-р",
    )


@pytest.fixture
def site(order_137, school_a):
    return PilotSiteFactory(organization=school_a, document=order_137, starts_on=dt.date(2022, 3, 15))


def pilot_sites_count() -> int:
    """BT-C1 for 2024, the year the repeal takes effect (1 February)."""
    year_2024 = Period.ensure(PeriodKind.YEAR, 2024)
    return int(computed_values(Organization.objects.all(), year_2024)[Method.PILOT_SITES].value)


def assert_back_in_force(order_137, site, client):
    order_137.refresh_from_db()
    assert order_137.status == DocumentStatus.IN_FORCE
    assert (order_137.effective_from, order_137.effective_until) == (dt.date(2022, 3, 15), None)
    site.refresh_from_db()
    assert site.closed_reason() == ""
    assert pilot_sites_count() == 1
    html = client.get("/pilot-sites/").content.decode()
    assert site.organization.short_name in html and "Закрыта" not in html


def repeal(order_512, order_137, site, actor=None):
    relation = services.relation_add(actor=actor, source=order_512, kind=RelationKind.REPEALS, target=order_137)
    order_137.refresh_from_db()
    assert order_137.status == DocumentStatus.REPEALED and order_137.effective_until == dt.date(2024, 2, 1)
    site.refresh_from_db()
    assert site.closed_reason() and pilot_sites_count() == 0
    return relation


def test_deleting_a_repeal_restores_status_dates_and_pilot_sites(client, order_137, order_512, site, office):
    relation = repeal(order_512, order_137, site, actor=office)
    services.relation_remove(actor=office, relation=relation)
    assert_back_in_force(order_137, site, client)
    assert order_137.history.first().history_change_reason == "repealing relation removed"


def test_changing_a_repeal_to_another_kind_restores_them_too(client, order_137, order_512, site):
    relation = repeal(order_512, order_137, site)
    # What the admin does with a changed relation: remove it, register the new one.
    services.relation_remove(actor=None, relation=relation)
    services.relation_add(actor=None, source=order_512, kind=RelationKind.IMPLEMENTS, target=order_137)
    assert_back_in_force(order_137, site, client)


def test_an_end_date_of_its_own_is_kept(order_137, order_512, site):
    services.document_update(actor=None, document=order_137, effective_until=dt.date(2030, 12, 31))
    relation = services.relation_add(actor=None, source=order_512, kind=RelationKind.REPEALS, target=order_137)
    services.relation_remove(actor=None, relation=relation)
    order_137.refresh_from_db()
    assert order_137.status == DocumentStatus.IN_FORCE and order_137.effective_until == dt.date(2030, 12, 31)


def test_another_repeal_still_in_force_keeps_the_target_repealed(order_137, order_512, site, municipality):
    other = DocumentFactory(authority=municipality, number="600-р", date_signed=dt.date(2024, 3, 1))
    relation = repeal(order_512, order_137, site)
    services.relation_add(actor=None, source=other, kind=RelationKind.REPEALS, target=order_137)
    services.relation_remove(actor=None, relation=relation)
    order_137.refresh_from_db()
    assert order_137.status == DocumentStatus.REPEALED and order_137.effective_until == dt.date(2024, 2, 1)


def test_deleting_the_relation_in_the_admin(client, order_137, order_512, site, office_admin):
    relation = repeal(order_512, order_137, site)
    client.force_login(office_admin)
    response = client.post(f"/admin/documents/documentrelation/{relation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not DocumentRelation.objects.filter(pk=relation.pk).exists()
    assert_back_in_force(order_137, site, client)
