"""django.contrib.admin with the project's admin site (kept apart from
admin_site.py, which imports models and cannot load this early)."""

from django.contrib.admin.apps import AdminConfig


class LeaneduAdminConfig(AdminConfig):
    default_site = "leanedu.admin_site.LeaneduAdminSite"
