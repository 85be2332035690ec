from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _crud(app_label: str, *models: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]


class LeaneduConfig(AppConfig):
    name = "leanedu"
    verbose_name = _("Organisations and roles")

    # What each role may do with models outside the project apps.
    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        view_orgs = ["leanedu.view_organization"]
        return {
            Role.OFFICE: [*view_orgs, "leanedu.view_membership"],
            Role.ADMIN: [
                *_crud("leanedu", "organization", "membership"),
                *_crud("auth", "user", "group"),
                "axes.view_accessattempt",
                "axes.delete_accessattempt",
                "axes.view_accesslog",
                "leanedu.view_outgoingemail",
                "leanedu.delete_outgoingemail",
                "django_tasks_database.view_dbtaskresult",
                *_crud("otp_totp", "totpdevice"),
            ],
            Role.OFFICIAL: view_orgs,
            Role.COORDINATOR: view_orgs,
        }

    def ready(self) -> None:
        from leanedu import checks  # noqa: F401 — registers the system checks
        from leanedu.fragments import install_triggers
        from leanedu.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="leanedu.sync_role_permissions")
        # After every app's migrations (any sender): a new table of a tracked app is tracked too.
        post_migrate.connect(install_triggers, dispatch_uid="leanedu.fragments.install_triggers")
