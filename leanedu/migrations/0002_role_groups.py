"""Create the role groups. Their permissions are synced after every migrate
(leanedu.roles.sync_role_permissions), as apps add models."""

from django.db import migrations

GROUPS = [
    "Координатор организации",
    "Представитель органа управления",
    "Проектный офис",
    "Администратор",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("leanedu", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
