"""Export of project passports (XLSX) for the office, over the scoped queryset."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export import fields

from leanedu.resources import HumanResource
from projects.models import Project


class ProjectPassportResource(HumanResource):
    organization = fields.Field(attribute="organization__short_name", column_name=_("Organisation"))
    municipality = fields.Field(attribute="organization__municipality__short_name", column_name=_("Municipality"))
    status_label = fields.Field(column_name=_("Status"))
    stage_label = fields.Field(column_name=_("Stage"))
    tool_names = fields.Field(column_name=_("Lean tools"))
    team_list = fields.Field(column_name=_("Team"))
    metric_summary = fields.Field(column_name=_("Metrics: before → goal → after (change)"))

    class Meta:
        model = Project
        fields = (
            "id",
            "title",
            "organization",
            "municipality",
            "status_label",
            "stage_label",
            *Project.PROCESS_FIELDS,
            *Project.PEOPLE_FIELDS,
            "team_list",
            "tool_names",
            "risks",
            "results",
            *Project.DATE_FIELDS,
            "metric_summary",
            "is_replicable",
            "review_comment",
        )
        export_order = fields
        use_natural_foreign_keys = False

    def get_export_headers(self, selected_fields=None):
        # Russian column titles from the model's verbose names.
        headers = []
        for field in self.get_export_fields(selected_fields):
            if field.column_name in self.Meta.fields:
                try:
                    headers.append(capfirst(str(Project._meta.get_field(field.column_name).verbose_name)))
                    continue
                except Exception:  # noqa: BLE001 — not a model field
                    pass
            headers.append(str(field.column_name))
        return headers

    def dehydrate_status_label(self, project: Project) -> str:
        return str(project.get_status_display())

    def dehydrate_stage_label(self, project: Project) -> str:
        return str(project.get_stage_display())

    def dehydrate_tool_names(self, project: Project) -> str:
        return ", ".join(tool.name for tool in project.tools.all())

    def dehydrate_team_list(self, project: Project) -> str:
        return "; ".join(f"{m.name} ({m.role})" if m.role else m.name for m in project.team.all())

    def dehydrate_metric_summary(self, project: Project) -> str:
        lines = []
        for m in project.metrics.all():
            change = "" if m.change_percent is None else f" ({m.change_percent:+} %)"
            lines.append(
                f"{m.name}, {m.unit}: {_dash(m.baseline_value)} → {_dash(m.target_value)} → {_dash(m.actual_value)}{change}"
            )
        return "\n".join(lines)


def _dash(value) -> str:
    return "—" if value is None else str(value)
