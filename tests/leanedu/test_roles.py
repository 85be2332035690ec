"""Role groups exist after migrate and carry the permissions the apps declare."""

import pytest
from django.contrib.auth.models import Group

from leanedu.models import Membership
from leanedu.roles import GROUP_NAMES, Role
from leanedu.services import membership_grant, membership_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def perms(role):
    group = Group.objects.get(name=GROUP_NAMES[role])
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_four_role_groups_exist_with_russian_names():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Координатор организации",
        "Представитель органа управления образованием",
        "Проектный офис",
        "Администратор",
    }


def test_office_may_edit_the_registry_and_coordinators_may_not():
    assert "documents.change_document" in perms(Role.OFFICE)
    assert "documents.change_document" not in perms(Role.COORDINATOR)
    assert "documents.change_document" not in perms(Role.OFFICIAL)


def test_only_the_administrator_manages_users():
    assert "auth.change_user" in perms(Role.ADMIN)
    assert "auth.change_user" not in perms(Role.OFFICE)


def test_granting_a_staff_role_opens_the_admin_and_revoking_closes_it(school_a):
    user = UserFactory(username="newstaff")
    membership = membership_grant(actor=None, user=user, organization=school_a, role=Role.OFFICE)
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name="Проектный офис").exists()
    assert user.has_perm("documents.change_document")

    membership_revoke(actor=None, membership=membership)
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()
    assert not Membership.objects.filter(user=user).exists()


def test_granting_twice_does_not_duplicate(school_a):
    user = UserFactory(username="twice")
    membership_grant(actor=None, user=user, organization=school_a, role=Role.COORDINATOR)
    membership_grant(actor=None, user=user, organization=school_a, role=Role.COORDINATOR)
    assert Membership.objects.filter(user=user).count() == 1
