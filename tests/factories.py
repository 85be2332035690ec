"""factory_boy factories shared by all apps' tests."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from leanedu.models import Organization, OrganizationKind
from leanedu.roles import Role


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    short_name = factory.Sequence(lambda n: f"Минобр региона {n}")
    full_name = factory.LazyAttribute(lambda o: f"Министерство образования ({o.short_name})")
    kind = OrganizationKind.REGION_AUTHORITY
    parent = None


class MunicipalityFactory(RegionFactory):
    short_name = factory.Sequence(lambda n: f"Управление образования {n}")
    kind = OrganizationKind.MUNICIPAL_AUTHORITY
    parent = factory.SubFactory(RegionFactory)


class SchoolFactory(RegionFactory):
    short_name = factory.Sequence(lambda n: f"МОУ «СОШ № {n}»")
    kind = OrganizationKind.SCHOOL
    parent = factory.SubFactory(MunicipalityFactory)


class KindergartenFactory(SchoolFactory):
    short_name = factory.Sequence(lambda n: f"МДОУ «Детский сад № {n}»")
    kind = OrganizationKind.KINDERGARTEN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Мария"
    last_name = factory.Sequence(lambda n: f"Иванова{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


def user_with_role(role: str, organization: Organization, **kwargs):
    """A user holding ``role`` in ``organization``, through the real service."""
    from leanedu.services import membership_grant

    user = UserFactory(**kwargs)
    user.save()
    membership_grant(actor=None, user=user, organization=organization, role=Role(role))
    user.refresh_from_db()
    return user
