"""What the API shows of each model. Nothing here names a person: no user,
author, leader, sponsor, team member, curator, e-mail or phone is ever
serialized (152-ФЗ); only organisations, documents and figures."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import Document, DocumentFile, DocumentFileVersion, DocumentRelation
from indicators.models import Indicator, Period, Target, Value
from leanedu.models import Organization
from projects.models import PilotSite, Project, ProjectMetric, ProjectTransition
from proposals.models import Proposal


def _decimal(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, **kwargs)


@extend_schema_field(OpenApiTypes.URI)
class SiteUrlField(serializers.Field):
    """The object's page on the site, absolute when the request is known."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "short_name", "kind", "municipality_id"]


class OrganizationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "short_name",
            "full_name",
            "kind",
            "kind_label",
            "parent_id",
            "municipality_id",
            "inn",
            "address",
            "website",
            "is_active",
        ]


class DocumentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "number", "date_signed", "title", "status"]


class RelationSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    kind = serializers.CharField()
    label = serializers.CharField()
    document = DocumentBriefSerializer()


class EditionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFileVersion
        fields = ["id", "original_name", "file_type", "size", "sha256", "edition_date", "is_current", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, version) -> str:
        path = reverse("documents:file", args=[self.context["document_id_of"][version.document_file_id], version.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DocumentFileSerializer(serializers.ModelSerializer):
    editions = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = ["id", "title", "editions"]

    @extend_schema_field(EditionSerializer(many=True))
    def get_editions(self, document_file):
        context = {**self.context, "document_id_of": {document_file.pk: document_file.document_id}}
        return EditionSerializer(document_file.versions.all(), many=True, context=context).data


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="kind.name", read_only=True, default="")
    authority = OrganizationBriefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requisites = serializers.CharField(read_only=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    files = DocumentFileSerializer(many=True, read_only=True)
    site_url = SiteUrlField()

    class Meta:
        model = Document
        fields = [
            "id",
            "site_url",
            "kind",
            "kind_label",
            "authority",
            "number",
            "date_signed",
            "title",
            "requisites",
            "summary",
            "status",
            "status_label",
            "effective_from",
            "effective_until",
            "is_public",
            "tags",
            "relations",
            "files",
            "updated_at",
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, document):
        rows = []
        for relation in document.outgoing_relations.all():
            rows.append(_relation("outgoing", relation, relation.target, relation.get_kind_display()))
        for relation in document.incoming_relations.all():
            rows.append(_relation("incoming", relation, relation.source, relation.reverse_label))
        return RelationSerializer(rows, many=True).data


def _relation(direction: str, relation: DocumentRelation, other: Document, label) -> dict:
    return {"direction": direction, "kind": relation.kind, "label": str(label), "document": other}


class PilotSiteSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    document = DocumentBriefSerializer(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    focus_areas = serializers.ListField(source="focus_area_list", child=serializers.CharField(), read_only=True)
    is_closed = serializers.SerializerMethodField()
    closed_reason = serializers.SerializerMethodField()
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PilotSite
        fields = [
            "id",
            "organization",
            "document",
            "level",
            "level_label",
            "starts_on",
            "ends_on",
            "focus_areas",
            "is_closed",
            "closed_reason",
            "project_count",
        ]

    def get_is_closed(self, site) -> bool:
        return bool(site.closed_reason())

    def get_closed_reason(self, site) -> str:
        return str(site.closed_reason())


class MetricSerializer(serializers.ModelSerializer):
    change_percent = _decimal(read_only=True)
    goal_reached = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = ProjectMetric
        fields = [*ProjectMetric.ENTERED_FIELDS, "change_percent", "goal_reached"]


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectTransition
        fields = ["from_status", "to_status", "created_at"]


class ProjectSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    tools = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    metrics = MetricSerializer(many=True, read_only=True)
    status_history = TransitionSerializer(source="transitions", many=True, read_only=True)
    site_url = SiteUrlField()

    class Meta:
        model = Project
        # Not here, on purpose: leader, sponsor, team, created_by, review notes
        # (names of people and internal remarks).
        fields = [
            "id",
            "site_url",
            "title",
            "organization",
            "status",
            "status_label",
            "stage",
            "stage_label",
            *Project.PROCESS_FIELDS,
            "tools",
            "risks",
            "results",
            *Project.DATE_FIELDS,
            "is_replicable",
            "metrics",
            "status_history",
            "updated_at",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="get_unit_display", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    is_computed = serializers.BooleanField(read_only=True)
    formula = serializers.SerializerMethodField()
    legal_basis = DocumentBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "unit_label",
            "direction",
            "level",
            "method",
            "method_label",
            "is_computed",
            "formula",
            "aggregation",
            "legal_basis",
            "description",
            "active_from_year",
            "active_until_year",
        ]

    def get_formula(self, indicator) -> str:
        from indicators.facts import COMPUTED_FORMULAS

        formula = COMPUTED_FORMULAS.get(indicator.method)
        return str(formula) if formula else ""


class PeriodSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Period
        fields = ["code", "kind", "year", "number", "starts_on", "ends_on", "label"]


class FigureSerializer(serializers.ModelSerializer):
    """A figure per indicator, period and organisation (a target, a value):
    the indicator and the period by their codes."""

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)


class TargetSerializer(FigureSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", "period", "organization_id", "value", "baseline_year", "baseline_value"]


class ValueSerializer(FigureSerializer):
    municipality_id = serializers.IntegerField(source="organization.municipality_id", read_only=True, allow_null=True)

    class Meta:
        model = Value
        fields = ["id", "indicator", "period", "organization_id", "municipality_id", "value", "status", "updated_at"]


class FactSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["region", "municipality", "organization"])
    area_id = serializers.IntegerField(allow_null=True)
    area_name = serializers.CharField()
    indicator = serializers.CharField()
    period = serializers.CharField()
    fact = _decimal()
    target = _decimal()
    baseline = _decimal()
    percent_of_target = serializers.DecimalField(max_digits=16, decimal_places=1, allow_null=True)
    reported_organizations = serializers.IntegerField()


class ComputedSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    period = serializers.CharField()
    on_date = serializers.DateField()
    area_id = serializers.IntegerField(allow_null=True)
    area_name = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=1, allow_null=True)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    formula = serializers.CharField()


class AnswerSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    organization = serializers.CharField(source="organization.short_name", read_only=True, default="")

    class Meta:
        model = Proposal
        # Never the author's name, e-mail, phone, address or attachments.
        fields = ["number", "category", "category_label", "organization", "text", "answer", "answered_at"]


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    english = serializers.CharField()
    russian = serializers.CharField()
    format = serializers.CharField()


class DatasetSerializer(serializers.Serializer):
    """The open data set's passport (the same fields as its meta.csv)."""

    identifier = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    creator = serializers.CharField()
    publisher = serializers.CharField()
    publisher_mbox = serializers.CharField()
    format = serializers.CharField()
    standard_version = serializers.CharField()
    created = serializers.DateField()
    modified = serializers.DateField()
    version = serializers.CharField()
    valid = serializers.DateField()
    subject = serializers.CharField()
    keywords = serializers.CharField()
    license = serializers.CharField()
    rows = serializers.IntegerField(allow_null=True, help_text="Rows of the data file, where known in advance")
    meta_url = serializers.URLField()
    data_url = serializers.URLField()
    structure_url = serializers.URLField()
    columns = ColumnSerializer(many=True)
