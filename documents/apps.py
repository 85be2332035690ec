from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

MODELS = ("document", "documentkind", "tag", "documentfile", "documentfileversion", "documentrelation")


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Document registry")

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        crud = [f"documents.{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]
        view = [f"documents.view_{model}" for model in MODELS]
        return {Role.OFFICE: crud, Role.ADMIN: crud, Role.OFFICIAL: view}
