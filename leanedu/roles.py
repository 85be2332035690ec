"""The portal's roles. Each is a Django group (created by a data migration)
and the ``role`` of a membership row that gives the organisation scope.

Apps declare what each role may do with their models through a
``role_permissions`` attribute on their AppConfig; ``sync_role_permissions``
collects them after every migrate, so a new app's permissions reach the
groups without touching this module."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Organisation coordinator")
    OFFICIAL = "official", _("Education authority representative")
    OFFICE = "office", _("Project office")
    ADMIN = "admin", _("Administrator")


# Group names are the Russian names of DESIGN.md: staff see them in the admin.
GROUP_NAMES: dict[str, str] = {
    Role.COORDINATOR: "Координатор организации",
    Role.OFFICIAL: "Представитель органа управления образованием",
    Role.OFFICE: "Проектный офис",
    Role.ADMIN: "Администратор",
}

# "Office staff": the project office and its administrators. They work in the
# Django admin and see every organisation. The one name for it in the code is
# ``OFFICE_ROLES`` here and ``Scope.is_office`` / ``rules.is_office`` for a user.
OFFICE_ROLES = frozenset({Role.OFFICE, Role.ADMIN})


def group_name(role: str) -> str:
    return GROUP_NAMES[Role(role)]


def sync_role_permissions(using: str = "default", **_kwargs) -> None:
    """Give every role group exactly the permissions the apps declare."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=GROUP_NAMES[role])
        wanted: set[tuple[str, str]] = set()
        for config in apps.get_app_configs():
            declared = getattr(config, "role_permissions", {})
            for codename in declared.get(role, ()):
                app_label, _sep, code = codename.rpartition(".")
                wanted.add((app_label or config.label, code))
        perms = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(perms)
