"""Writes of the shared kernel. Every write takes the acting user."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from leanedu.models import Membership, Organization
from leanedu.roles import STAFF_ROLES, Role, group_name


@transaction.atomic
def membership_grant(*, actor, user, organization: Organization, role: str, position: str = "") -> Membership:
    """Give ``user`` a role in ``organization``: the membership row (scope),
    the role's group (permissions) and admin access for staff roles."""
    role = Role(role)
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"position": position}
    )
    membership.full_clean()
    user.groups.add(Group.objects.get(name=group_name(role)))
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_leanedu_scope", None)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    """Remove a membership; drop the group when no membership of that role is left."""
    user, role = membership.user, membership.role
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(Group.objects.get(name=group_name(role)))
    if role in STAFF_ROLES and not Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists():
        user.is_staff = user.is_superuser
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_leanedu_scope", None)
