"""The export of proposals for staff: workflow figures, no personal data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export import fields

from leanedu.formats import ru_date
from leanedu.resources import HumanResource
from proposals.models import Proposal


class ProposalExportResource(HumanResource):
    """Registration number, dates, status, category, organisation, days to answer.
    Never the name, e-mail, phone, IP or text."""

    number = fields.Field(attribute="number", column_name=_("Registration number"))
    received = fields.Field(column_name=_("Received"))
    registered = fields.Field(column_name=_("Registered"))
    due = fields.Field(column_name=_("Answer due"))
    answered = fields.Field(column_name=_("Answered"))
    status = fields.Field(column_name=_("Status"))
    category = fields.Field(column_name=_("Category"))
    organization = fields.Field(column_name=_("Organisation"))
    days_to_answer = fields.Field(attribute="days_to_answer", column_name=_("Days to answer"))

    class Meta:
        model = Proposal
        fields = (
            "number",
            "received",
            "registered",
            "due",
            "answered",
            "status",
            "category",
            "organization",
            "days_to_answer",
        )
        export_order = fields

    def get_queryset(self):
        return Proposal.objects.select_related("organization").order_by("number")

    def dehydrate_received(self, obj):
        return ru_date(obj.created_at)

    def dehydrate_registered(self, obj):
        return ru_date(obj.registered_at)

    def dehydrate_due(self, obj):
        return ru_date(obj.due_date)

    def dehydrate_answered(self, obj):
        return ru_date(obj.answered_at)

    def dehydrate_status(self, obj):
        return str(obj.get_status_display())

    def dehydrate_category(self, obj):
        return str(obj.get_category_display())

    def dehydrate_organization(self, obj):
        return obj.organization.short_name if obj.organization_id else ""
