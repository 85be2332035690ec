"""The officials' group is named as the glossary says: «Представитель органа
управления образованием» (not «…органа управления»). Its members and
permissions stay; the permissions are synced after migrate as always."""

from django.db import migrations

OLD, NEW = "Представитель органа управления", "Представитель органа управления образованием"


def rename(old: str, new: str):
    def run(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        source = Group.objects.filter(name=old).first()
        if source is None:
            return
        target = Group.objects.filter(name=new).first()
        if target is None:
            source.name = new
            source.save(update_fields=["name"])
            return
        target.user_set.add(*source.user_set.all())
        source.delete()

    return run


class Migration(migrations.Migration):
    dependencies = [("leanedu", "0006_outbox_secret")]
    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
