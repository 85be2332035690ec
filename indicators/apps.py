from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Target indicators")

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        from leanedu.roles import Role

        models = ("indicator", "period", "target", "value")
        crud = [f"indicators.{a}_{m}" for m in models for a in ("add", "change", "delete", "view")]
        crud += ["indicators.import_indicator", "indicators.import_target"]
        view = [f"indicators.view_{m}" for m in models]
        # Coordinators enter their organisation's values (scoped in services).
        coordinator = view + ["indicators.add_value", "indicators.change_value"]
        return {Role.OFFICE: crud, Role.ADMIN: crud, Role.OFFICIAL: view, Role.COORDINATOR: coordinator}

    def ready(self) -> None:
        # The roll-up tables have no Meta names (no migration for a label): the
        # permissions list in the control panel names them in Russian.
        from indicators.models import Fact, Summary

        Fact._meta.verbose_name = Fact._meta.verbose_name_plural = _("roll-up of approved values by organisation")
        Summary._meta.verbose_name = Summary._meta.verbose_name_plural = _("roll-up of approved values, totals")

    def periodic_jobs(self):
        """Deadline reminders in the morning (run_periodic morning; never one twice)."""
        from indicators.deadlines import reminders_send
        from leanedu.periodic import Job

        return [Job("indicator_reminders", "morning", lambda: f"{reminders_send()} reminders queued")]
