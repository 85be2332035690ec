"""Fixtures shared by every app's tests: a small region with two
municipalities and a user for each role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from leanedu.roles import Role
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory, user_with_role


@pytest.fixture(autouse=True, scope="session")
def tasks_run_in_process():
    """The tests run tasks (e-mail, text extraction) immediately, in process;
    the portal's default is a database queue drained by a worker."""
    from django.test import override_settings

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        yield


@pytest.fixture
def region(db):
    return RegionFactory(short_name="Минобрнауки области")


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(short_name="Управление образования г. Троицка", parent=region)


@pytest.fixture
def other_municipality(region):
    return MunicipalityFactory(short_name="Управление образования г. Пласт", parent=region)


@pytest.fixture
def school_a(municipality):
    return SchoolFactory(short_name="МОУ «СОШ № 13»", parent=municipality)


@pytest.fixture
def school_b(municipality):
    return SchoolFactory(short_name="МОУ «СОШ № 15»", parent=municipality)


@pytest.fixture
def school_elsewhere(other_municipality):
    return SchoolFactory(short_name="МОУ «СОШ № 1 г. Пласт»", parent=other_municipality)


@pytest.fixture
def coordinator_a(school_a):
    return user_with_role(Role.COORDINATOR, school_a, username="coord_a")


@pytest.fixture
def coordinator_b(school_b):
    return user_with_role(Role.COORDINATOR, school_b, username="coord_b")


@pytest.fixture
def official(municipality):
    return user_with_role(Role.OFFICIAL, municipality, username="official")


@pytest.fixture
def regional_official(region):
    return user_with_role(Role.OFFICIAL, region, username="regional")


@pytest.fixture
def office(municipality):
    return user_with_role(Role.OFFICE, municipality, username="office")


@pytest.fixture
def office_admin(municipality):
    return user_with_role(Role.ADMIN, municipality, username="officeadmin")


@pytest.fixture
def anonymous():
    return AnonymousUser()
