"""The one scoping rule: who sees which organisations."""

import pytest

from leanedu.models import Organization
from leanedu.scoping import user_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(region, municipality, other_municipality, school_a, school_b, school_elsewhere):
    return {
        "region": region,
        "muni": municipality,
        "other": other_municipality,
        "a": school_a,
        "b": school_b,
        "x": school_elsewhere,
    }


def visible(user):
    return set(Organization.objects.visible_to(user).values_list("short_name", flat=True))


def test_coordinator_sees_only_their_school(orgs, coordinator_a):
    assert visible(coordinator_a) == {"МОУ «СОШ № 13»"}


def test_municipal_official_sees_their_municipality(orgs, official):
    assert visible(official) == {"Управление образования г. Троицка", "МОУ «СОШ № 13»", "МОУ «СОШ № 15»"}


def test_regional_official_sees_the_whole_region(orgs, regional_official):
    assert visible(regional_official) == {o.short_name for o in orgs.values()}


def test_office_staff_see_everything(orgs, office, office_admin):
    everything = set(Organization.objects.values_list("short_name", flat=True))
    assert visible(office) == everything
    assert visible(office_admin) == everything


def test_anonymous_sees_no_organisation_data(orgs, anonymous):
    assert visible(anonymous) == set()


def test_user_without_membership_sees_nothing(orgs, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x" * 12)
    assert visible(loner) == set()
    assert not user_scope(loner).is_office


def test_municipality_is_denormalised_for_every_level(orgs):
    orgs["a"].refresh_from_db()
    orgs["muni"].refresh_from_db()
    assert orgs["a"].municipality == orgs["muni"]
    assert orgs["muni"].municipality == orgs["muni"]
    assert orgs["region"].municipality is None
