from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MODELS = ("document", "documentkind", "tag", "documentfile", "documentfileversion", "documentrelation")

# The kinds of DESIGN.md; staff may add more in the admin.
DEFAULT_KINDS = [
    ("prikaz", "Приказ"),
    ("rasporyazhenie", "Распоряжение"),
    ("postanovlenie", "Постановление"),
    ("polozhenie", "Положение"),
    ("plan", "План (дорожная карта)"),
    ("metodicheskie-rekomendacii", "Методические рекомендации"),
    ("pismo", "Письмо"),
    ("otchet", "Отчёт"),
]


def ensure_default_kinds(sender=None, using="default", **_kwargs) -> None:
    """The reference list survives a flush (post_migrate runs after one)."""
    from documents.models import DocumentKind

    for position, (slug, name) in enumerate(DEFAULT_KINDS, start=1):
        DocumentKind.objects.using(using).get_or_create(slug=slug, defaults={"name": name, "position": position * 10})


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Document registry")

    def ready(self) -> None:
        post_migrate.connect(ensure_default_kinds, sender=self, dispatch_uid="documents_default_kinds")

    @property
    def home_blocks(self) -> list:
        from documents.views import latest_documents_block
        from leanedu.home import HomeBlock

        return [HomeBlock("documents/_home_latest.html", latest_documents_block, position=10)]

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        crud = [f"documents.{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]
        crud.append("documents.import_document")
        view = [f"documents.view_{model}" for model in MODELS]
        return {Role.OFFICE: crud, Role.ADMIN: crud, Role.OFFICIAL: view}
