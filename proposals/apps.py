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

    # --- restore (leanedu/backup.py): no registration number is ever issued twice
    def before_restore(self):
        return highest_numbers()

    def after_restore(self, live: dict[int, int] | None) -> list[str]:
        """Each year's counter goes to at least the highest number either
        database ever issued; then anonymisation runs again, so a restored
        backup never brings back what it had removed."""
        from django.db import transaction

        from proposals.models import YearCounter
        from proposals.services import proposals_anonymize

        lines = []
        restored = highest_numbers() or {}
        with transaction.atomic():
            for year in sorted(set(restored) | set(live or {})):
                top = max(restored.get(year, 0), (live or {}).get(year, 0))
                YearCounter.objects.update_or_create(year=year, defaults={"last_number": top})
                if (live or {}).get(year, 0) > restored.get(year, 0):
                    lines.append(
                        f"proposals: numbers of {year} up to {top} were issued after the backup "
                        f"and are not reused; the next one is {top + 1}"
                    )
        if live is None:
            lines.append(
                "proposals: the database before the restore was empty, so numbers issued after the backup "
                "on another server are unknown; check the last number sent before accepting new proposals"
            )
        lines.append(f"proposals: {proposals_anonymize(actor=None)} anonymised again after the restore")
        return lines


def highest_numbers() -> dict[int, int] | None:
    """The highest registration number per year, from the counter and the
    proposals themselves (whichever is higher); None when there are no tables."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT year, last_number FROM proposals_yearcounter")
            top = dict(cursor.fetchall())
            # Numbers look like РВ-2026-00042 (the model's check constraint).
            cursor.execute(
                """
                SELECT split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::int)
                FROM proposals_proposal GROUP BY 1
                """
            )
            for year, value in cursor.fetchall():
                top[year] = max(top.get(year, 0), value)
    except DatabaseError:
        return None
    return top
