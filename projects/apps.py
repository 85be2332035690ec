from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Pilot sites and lean projects")

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        models = (
            "pilotsite",
            "project",
            "projectmetric",
            "leantool",
            "teammember",
            "projectattachment",
            "projecttransition",
            "submittedproject",
        )
        crud = [f"projects.{a}_{m}" for m in models for a in ("add", "change", "delete", "view")]
        view = [f"projects.view_{m}" for m in models]
        return {Role.OFFICE: crud, Role.ADMIN: crud, Role.OFFICIAL: view, Role.COORDINATOR: view}
