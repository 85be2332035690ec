from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Let's solve it together")

    # Proposals carry personal data: only the office and administrators get anything here.
    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        office = [
            "proposals.view_proposal",
            "proposals.change_proposal",
            "proposals.view_proposalattachment",
        ]
        return {
            Role.OFFICE: office,
            Role.ADMIN: [*office, "proposals.delete_proposal"],
        }

    def backup_roots(self):
        """Attachments live outside MEDIA_ROOT; `manage.py backup` includes them."""
        from proposals.conf import files_root

        return {"proposals": files_root()}

    def periodic_jobs(self):
        """The digest in the morning; anonymisation nightly, before the backup."""
        from leanedu.periodic import Job
        from proposals.services import overdue_digest_send, proposals_anonymize

        return [
            Job("digest", "morning", lambda: f"{overdue_digest_send(actor=None)} overdue proposals"),
            Job("anonymize", "nightly", lambda: f"{proposals_anonymize(actor=None)} proposals anonymised", order=10),
        ]
