from django.apps import AppConfig
from django.db import DatabaseError
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _crud(app_label: str, *models: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]


RESTORE_HELD = (
    "held after a restore: it was waiting in the backup and may have been sent since; not re-sent automatically"
)


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
                "leanedu.import_organization",
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
        from leanedu import checks, third_party  # noqa: F401 — checks registers the system checks
        from leanedu.fragments import install_triggers
        from leanedu.history import cache_history_manager_classes
        from leanedu.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="leanedu.sync_role_permissions")
        # After every app's migrations (any sender): a new table of a tracked app is tracked too.
        post_migrate.connect(install_triggers, dispatch_uid="leanedu.fragments.install_triggers")
        third_party.install()  # Russian names for what other packages show in the control panel
        cache_history_manager_classes()  # one manager class per model, not one per history row written

    # --- restore (leanedu/backup.py): mail pending in the backup is not sent twice
    def before_restore(self):
        from leanedu.models import OutgoingEmail

        try:
            return dict(OutgoingEmail.objects.values_list("pk", "status"))
        except DatabaseError:  # an empty database: nothing was sent from it
            return None

    def after_restore(self, live: dict | None) -> list[str]:
        """A mail still pending in the backup may have gone out since. It is
        sent only if the live database had it pending too; if the live one
        had sent it, it is marked sent; otherwise it is held, visibly, for
        the office to resend by hand if it never arrived."""
        from django.utils import timezone

        from leanedu.models import OutgoingEmail

        pending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING)
        live = live or {}
        keep = [pk for pk, status in live.items() if status == OutgoingEmail.Status.PENDING]
        sent = [pk for pk, status in live.items() if status == OutgoingEmail.Status.SENT]
        marked = pending.filter(pk__in=sent).update(status=OutgoingEmail.Status.SENT, sent_at=timezone.now())
        held = (
            pending.exclude(pk__in=keep)
            .exclude(pk__in=sent)
            .update(status=OutgoingEmail.Status.FAILED, last_error=RESTORE_HELD[:300])
        )
        return [f"outbox: {marked} e-mails already sent before the restore, {held} held (not re-sent)"]
