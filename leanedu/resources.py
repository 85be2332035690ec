"""Imports write through services, like every other write.

django-import-export saves each row with ``instance.save()`` by default: no
rule, no service, no history user. A resource built on ``ServiceResource``
hands each row to ``import_save`` (by default the kernel's ``record_save``,
which asks the rulebook) with the importing user, so a file can do nothing
its importer could not do on the change page. The admin runs the import in
one transaction and undoes it on any refused row (all or nothing)."""

from __future__ import annotations

from import_export import resources

from leanedu.services import record_delete, record_save


class ServiceResource(resources.ModelResource):
    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        # The dry run (the preview) saves too, inside a transaction that is
        # rolled back, so a row the service refuses shows in the preview.
        self.import_save(instance, is_create=is_create, actor=kwargs.get("user"))
        self.after_save_instance(instance, row, **kwargs)

    def delete_instance(self, instance, row, **kwargs):
        self.before_delete_instance(instance, row, **kwargs)
        record_delete(actor=kwargs.get("user"), obj=instance, reason="import")
        self.after_delete_instance(instance, row, **kwargs)

    def import_save(self, instance, *, is_create: bool, actor) -> None:
        record_save(actor=actor, obj=instance, adding=is_create, reason="import")
