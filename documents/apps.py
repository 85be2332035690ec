from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Document registry")

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        crud = [f"documents.{a}_document" for a in ("add", "change", "delete", "view")]
        return {Role.OFFICE: crud, Role.ADMIN: crud, Role.OFFICIAL: ["documents.view_document"]}
