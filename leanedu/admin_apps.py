"""django.contrib.admin with the project's admin site (kept apart from
admin_site.py, which imports models and cannot load this early)."""

from django.contrib.admin.apps import AdminConfig


class LeaneduAdminConfig(AdminConfig):
    default_site = "leanedu.admin_site.LeaneduAdminSite"

    def ready(self):
        super().ready()
        from django.contrib.admin.helpers import AdminReadonlyField

        link = AdminReadonlyField.get_admin_url

        def link_for_reader(field, remote_field, remote_obj):
            """Django links a read-only related object to its change page
            without asking whether the reader may open it (a project's
            «created by» led office staff to a 403): the link only where the
            signed-in reader may view or change the object, else its name."""
            from simple_history.models import HistoricalRecords

            request = getattr(HistoricalRecords.context, "request", None)
            related_admin = field.model_admin.admin_site._registry.get(remote_field.model)
            if request is None or related_admin is None:
                return link(field, remote_field, remote_obj)
            if not related_admin.has_view_or_change_permission(request, remote_obj):
                return str(remote_obj)
            return link(field, remote_field, remote_obj)

        AdminReadonlyField.get_admin_url = link_for_reader
