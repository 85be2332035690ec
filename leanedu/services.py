"""Writes of the shared kernel. Every write takes the acting user
(``actor=None`` is the system: demo data, migrations) and asks the rulebook.

Memberships are the source of a user's scope, and the role groups the source
of their Django permissions: ``_sync_access`` is the one place that derives
groups and admin access from memberships, called by every membership write,
so the two can never drift apart."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models, transaction

from leanedu.models import Membership, Organization
from leanedu.roles import GROUP_NAMES, OFFICE_ROLES, Role, group_name
from leanedu.rules import ADD, CHANGE, DELETE, require
from leanedu.transitions import set_reason

# --- any row: the generic service behind reference lists and the admin -----------


@transaction.atomic
def record_save(*, actor, obj: models.Model, adding: bool, reason: str = "") -> models.Model:
    """Validate and save one row the rule lets ``actor`` add or change.

    A change is checked twice: the row as stored (may the actor touch it?) and
    the row as saved (a change must not move it out of the actor's reach)."""
    if not adding:
        require(actor, CHANGE, obj)
    obj.full_clean()
    set_reason(obj, reason, actor)
    obj.save()
    require(actor, ADD if adding else CHANGE, obj)
    return obj


@transaction.atomic
def record_delete(*, actor, obj: models.Model, reason: str = "") -> None:
    """Delete one row the rule lets ``actor`` delete; the reason goes to history."""
    require(actor, DELETE, obj)
    set_reason(obj, reason, actor)
    obj.delete()


# --- organisations ------------------------------------------------------------------


def organization_save(*, actor, organization: Organization, adding: bool) -> Organization:
    """Create or change an organisation (administrators only, by the rule)."""
    return record_save(actor=actor, obj=organization, adding=adding)


# --- memberships, groups and admin access ----------------------------------------------


def _sync_access(user, *, was_office: bool) -> None:
    """Give ``user`` exactly the role groups of their memberships, and admin
    access while they hold an office role (a staff flag given by hand to
    someone without one stays until they lose an office role)."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    wanted = {group_name(role) for role in roles}
    role_groups = list(Group.objects.filter(name__in=GROUP_NAMES.values()))
    user.groups.add(*[g for g in role_groups if g.name in wanted])
    user.groups.remove(*[g for g in role_groups if g.name not in wanted])
    is_office_now = bool(roles & OFFICE_ROLES)
    if is_office_now and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    elif was_office and not is_office_now and user.is_staff != user.is_superuser:
        user.is_staff = user.is_superuser
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_leanedu_scope", None)
    user.__dict__.pop("_perm_cache", None)
    user.__dict__.pop("_group_perm_cache", None)


def _holds_office_role(user) -> bool:
    return Membership.objects.filter(user=user, role__in=OFFICE_ROLES).exists()


@transaction.atomic
def membership_grant(*, actor, user, organization: Organization, role: str, position: str = "") -> Membership:
    """Give ``user`` a role in ``organization``: the membership row (scope),
    the role's group (permissions) and admin access for office roles."""
    role = Role(role)
    was_office = _holds_office_role(user)
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"position": position}
    )
    membership.full_clean()
    require(actor, ADD if created else CHANGE, membership)
    _sync_access(user, was_office=was_office)
    return membership


@transaction.atomic
def membership_change(
    *, actor, membership: Membership, organization: Organization, role: str, position: str = ""
) -> Membership:
    """Move a membership to another organisation or role; groups follow."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    require(actor, CHANGE, membership)
    user = membership.user
    was_office = _holds_office_role(user)
    membership.organization = organization
    membership.role = Role(role)
    membership.position = position
    set_reason(membership, "", actor)
    membership.full_clean()
    membership.save()
    require(actor, CHANGE, membership)
    _sync_access(user, was_office=was_office)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    """Remove a membership; the group goes when no membership of that role is left."""
    require(actor, DELETE, membership)
    user = membership.user
    was_office = _holds_office_role(user)
    set_reason(membership, "", actor)
    membership.delete()
    _sync_access(user, was_office=was_office)
