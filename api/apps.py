from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and personal tokens")

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        # Staff may see and revoke anyone's token in the back office; nobody edits one.
        staff = ["api.view_apitoken", "api.delete_apitoken"]
        return {Role.OFFICE: staff, Role.ADMIN: staff}

    def ready(self) -> None:
        from api import schema  # noqa: F401 — registers the OpenAPI extension
