"""The read-only API. Every list starts from the model's ``visible_to(user)``
queryset — the site's one scoping rule — so a token reads exactly what its
user sees on the site, and an anonymous reader what a visitor sees."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import filters
from api import serializers as s
from api.conditional import ConditionalMixin
from api.pagination import Cursor
from documents.models import Document, DocumentFile, DocumentFileVersion, DocumentRelation
from indicators.facts import COMPUTED_FORMULAS, computed_values, period_window, rollup
from indicators.models import Indicator, Period, Target, Value, ValueStatus
from leanedu.models import Organization, OrganizationKind
from projects.models import LeanTool, PilotSite, Project, ProjectMetric, ProjectTransition
from proposals.models import Proposal


class ReadOnly(ConditionalMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


@extend_schema_view(
    list=extend_schema(summary="Documents of the registry", tags=["documents"]),
    retrieve=extend_schema(summary="One document", tags=["documents"]),
)
class DocumentViewSet(ReadOnly):
    serializer_class = s.DocumentSerializer
    filterset_class = filters.DocumentFilter
    filter_backends = [*ReadOnly.filter_backends, OrderingFilter]
    ordering_fields = ["date_signed", "title", "number", "id"]
    ordering = ["-date_signed", "-id"]

    def get_queryset(self):
        user = self.request.user
        visible = Document.objects.visible_to(user)
        return (
            visible.select_related("kind", "authority")
            .prefetch_related(
                "tags",
                Prefetch(
                    "outgoing_relations",
                    queryset=DocumentRelation.objects.filter(target__in=visible.values("pk")).select_related("target"),
                ),
                Prefetch(
                    "incoming_relations",
                    queryset=DocumentRelation.objects.filter(source__in=visible.values("pk")).select_related("source"),
                ),
                Prefetch(
                    "files",
                    queryset=DocumentFile.objects.prefetch_related(
                        Prefetch("versions", queryset=DocumentFileVersion.objects.defer("text"))
                    ),
                ),
            )
            .defer("file_text", "search_vector")
        )


@extend_schema_view(
    list=extend_schema(summary="Pilot sites", tags=["pilot sites"]),
    retrieve=extend_schema(summary="One pilot site", tags=["pilot sites"]),
)
class PilotSiteViewSet(ReadOnly):
    serializer_class = s.PilotSiteSerializer
    filterset_class = filters.PilotSiteFilter

    def get_queryset(self):
        return PilotSite.objects.visible_to(self.request.user).for_listing()


@extend_schema_view(
    list=extend_schema(summary="Lean projects (public ones; a token also its user's scope)", tags=["projects"]),
    retrieve=extend_schema(summary="One project's passport", tags=["projects"]),
)
class ProjectViewSet(ReadOnly):
    serializer_class = s.ProjectSerializer
    filterset_class = filters.ProjectFilter
    filter_backends = [*ReadOnly.filter_backends, OrderingFilter]
    ordering_fields = ["updated_at", "title", "id"]
    ordering = ["-updated_at", "-id"]

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("organization")
            .prefetch_related(
                Prefetch("tools", queryset=LeanTool.objects.only("pk", "name")),
                Prefetch("metrics", queryset=ProjectMetric.objects.order_by("pk")),
                Prefetch("transitions", queryset=ProjectTransition.objects.order_by("created_at", "pk")),
            )
            .defer("search_vector", "review_comment", "leader", "sponsor")
        )


@extend_schema_view(
    list=extend_schema(summary="Organisations (authorities, schools, kindergartens…)", tags=["organisations"]),
    retrieve=extend_schema(summary="One organisation", tags=["organisations"]),
)
class OrganizationViewSet(ReadOnly):
    serializer_class = s.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    queryset = Organization.objects.all()


@extend_schema_view(
    list=extend_schema(summary="Target indicators", tags=["indicators"]),
    retrieve=extend_schema(summary="One indicator", tags=["indicators"]),
)
class IndicatorViewSet(ReadOnly):
    serializer_class = s.IndicatorSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return Indicator.objects.visible_to(self.request.user).select_related("legal_basis")


@extend_schema_view(list=extend_schema(summary="Reporting periods", tags=["indicators"]))
class PeriodViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PeriodSerializer
    pagination_class = None
    queryset = Period.objects.order_by("starts_on", "-ends_on", "pk")


NUMBER = serializers.DecimalField(max_digits=16, decimal_places=2)
MOMENT = serializers.DateTimeField()


class FigureRowsMixin:
    """A list of figures per indicator, period and organisation (targets,
    values) from plain rows (``values()``), not model instances: a page of
    1,000 is one query and a loop (see bench/bench_api.py). ``represent``
    gives a row's own columns."""

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        codes = period_codes()
        rows = [
            {
                "id": row["pk"],
                "indicator": row["indicator_code"],
                "period": codes[row["period_id"]],
                "organization_id": row["organization_id"],
                **self.represent(row),
            }
            for row in page
        ]
        return self.get_paginated_response(rows)

    def represent(self, row: dict) -> dict:
        raise NotImplementedError


@extend_schema_view(list=extend_schema(summary="Targets per indicator, period and organisation", tags=["indicators"]))
class TargetViewSet(FigureRowsMixin, ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TargetSerializer
    filterset_class = filters.TargetFilter

    def get_queryset(self):
        # Plain rows, as for values: a page of 1,000 targets is one query and a loop.
        return Target.objects.visible_to(self.request.user).values(
            "pk",
            "organization_id",
            "period_id",
            "value",
            "baseline_year",
            "baseline_value",
            indicator_code=F("indicator__code"),
        )

    def represent(self, row: dict) -> dict:
        return {
            "value": NUMBER.to_representation(row["value"]),
            "baseline_year": row["baseline_year"],
            "baseline_value": None
            if row["baseline_value"] is None
            else NUMBER.to_representation(row["baseline_value"]),
        }


@extend_schema_view(
    list=extend_schema(
        summary="Indicator values as reported by organisations",
        description="Anonymous readers get approved values only. A personal token reads what its user reads on "
        "the site: a coordinator also their organisation's drafts, an official the submitted and returned values "
        "of their territory, office staff everything.",
        tags=["indicators"],
    )
)
class ValueViewSet(FigureRowsMixin, ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ValueSerializer
    filterset_class = filters.ValueFilter

    def get_queryset(self):
        # Plain rows, not model instances: a page of 1,000 values is one
        # query and a loop (see bench/bench_api.py).
        return Value.objects.visible_to(self.request.user).values(
            "pk",
            "value",
            "status",
            "updated_at",
            "organization_id",
            "period_id",
            municipality_id=F("organization__municipality_id"),
            indicator_code=F("indicator__code"),
        )

    def represent(self, row: dict) -> dict:
        return {
            "municipality_id": row["municipality_id"],
            "value": NUMBER.to_representation(row["value"]),
            "status": row["status"],
            "updated_at": MOMENT.to_representation(row["updated_at"]),
        }


def period_codes() -> dict[int, str]:
    """{period id: code} — periods are few (five a year)."""
    return {p.pk: p.code for p in Period.objects.only("pk", "kind", "year", "number")}


@extend_schema_view(list=extend_schema(summary="Published answers of «Решаем вместе»", tags=["proposals"]))
class AnswerViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AnswerSerializer

    def get_queryset(self):
        return (
            Proposal.objects.published_answers()
            .select_related("organization")
            .only("number", "category", "text", "answer", "answered_at", "organization__short_name")
        )


# --- roll-ups -----------------------------------------------------------------------

LEVELS = ["region", "municipality", "organization"]


def _period_param(request) -> Period:
    code = request.query_params.get("period", "")
    q = filters.period_q(code, prefix="")
    period = Period.objects.filter(q).first() if q is not None else None
    if period is None:
        raise ValidationError({"period": [_("Unknown period. Use a code such as 2025, 2025-H1, 2025-Q3, 2025-2026.")]})
    return period


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError({name: [_("A whole number is expected.")]})
    return int(raw)


def _region() -> Organization | None:
    regions = list(Organization.objects.filter(kind=OrganizationKind.REGION_AUTHORITY).order_by("pk")[:2])
    return regions[0] if len(regions) == 1 else None


FACT_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        required=True,
        description="2025, 2025-H1, 2025-Q3 or 2025-2026",
        pattern=filters.PERIOD_CODE.pattern,
    ),
    OpenApiParameter("level", OpenApiTypes.STR, enum=LEVELS, description="Default: region"),
    OpenApiParameter("indicator", OpenApiTypes.STR, description="Indicator code"),
    OpenApiParameter("municipality", OpenApiTypes.INT, description="Only this municipality's organisations"),
]


class FactsPage(Cursor):
    """Organisation-level facts page over organisations (each brings one row per indicator)."""

    page_size = 100
    max_page_size = 500
    ordering = "id"


class FactsView(ConditionalMixin, APIView):
    """Approved values rolled up per indicator to the organisation, the
    municipality or the region for a period, with targets, baselines and % of
    target: the figures of the dashboard and of the official report."""

    pagination_class = FactsPage

    @extend_schema(
        summary="Approved facts per organisation, municipality or region",
        tags=["indicators"],
        parameters=FACT_PARAMETERS,
        responses=inline_serializer(
            "FactsPage",
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": s.FactSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        period = _period_param(request)
        level = request.query_params.get("level", "region") or "region"
        if level not in LEVELS:
            raise ValidationError({"level": [_("One of: region, municipality, organization.")]})
        municipality_id = _int_param(request, "municipality")
        indicators = Indicator.objects.entered()
        code = request.query_params.get("indicator", "")
        if code:
            indicators = indicators.filter(code=code)
        indicators = {i.pk: i for i in indicators}
        # Approved values only, whoever asks: these are the published figures.
        values = Value.objects.visible_to(request.user).filter(status=ValueStatus.APPROVED)
        if municipality_id is not None:
            values = values.filter(organization__municipality_id=municipality_id)
        paginator = None
        if level == "region":
            region = _region()
            area = {None: (region.pk if region else None, region.short_name if region else "")}
            buckets = {(None, key): bucket for key, bucket in rollup(values, period, indicators).items()}
        elif level == "municipality":
            buckets = rollup(values, period, indicators, group_by="organization__municipality_id")
            ids = {key for key, _i in buckets}
            area = {
                pk: (pk, name) for pk, name in Organization.objects.filter(pk__in=ids).values_list("pk", "short_name")
            }
        else:
            paginator = self.pagination_class()
            orgs = Organization.objects.filter(
                pk__in=values.within(period).filter(indicator_id__in=list(indicators)).values("organization_id")
            ).only("pk", "short_name")
            page = paginator.paginate_queryset(orgs, request, view=self)
            ids = [org.pk for org in page]
            area = {org.pk: (org.pk, org.short_name) for org in page}
            # No organisation on this page (none reported): nothing to roll up.
            buckets = (
                rollup(
                    values.filter(organization_id__in=ids),
                    period,
                    indicators,
                    group_by="organization_id",
                    organizations=ids,
                )
                if ids
                else {}
            )
        rows = []
        for (key, indicator_id), bucket in buckets.items():
            area_id, area_name = area.get(key, (key, ""))
            indicator = indicators[indicator_id]
            rows.append(
                {
                    "level": level,
                    "area_id": area_id,
                    "area_name": area_name,
                    "indicator": indicator.code,
                    "period": period.code,
                    "fact": bucket.fact,
                    "target": bucket.target,
                    "baseline": bucket.baseline,
                    "percent_of_target": bucket.percent,
                    "reported_organizations": bucket.reported,
                    "_order": (area_name, area_id or 0, indicator.sort_order, indicator.code),
                }
            )
        rows.sort(key=lambda row: row.pop("_order"))
        data = s.FactSerializer(rows, many=True).data
        if paginator is not None:
            return paginator.get_paginated_response(data)
        return Response({"next": None, "previous": None, "results": data})


class ComputedView(ConditionalMixin, APIView):
    """Indicators computed from the registries (pilot sites, projects), with
    their numerators and denominators, for the region or one municipality."""

    @extend_schema(
        summary="Computed indicators with numerators and denominators",
        tags=["indicators"],
        parameters=[FACT_PARAMETERS[0], FACT_PARAMETERS[3]],
        responses=s.ComputedSerializer(many=True),
    )
    def get(self, request):
        period = _period_param(request)
        municipality_id = _int_param(request, "municipality")
        orgs = Organization.objects.all()
        if municipality_id is not None:
            municipality = Organization.objects.filter(
                pk=municipality_id, kind=OrganizationKind.MUNICIPAL_AUTHORITY
            ).first()
            if municipality is None:
                raise ValidationError({"municipality": [_("No such municipality.")]})
            orgs = orgs.filter(municipality=municipality)
            area = (municipality.pk, municipality.short_name)
        else:
            region = _region()
            area = (region.pk if region else None, region.short_name if region else "")
        on_date: datetime.date = period_window(period)[1]
        computed = computed_values(orgs, period)
        rows = []
        for indicator in Indicator.objects.computed():
            result = computed.get(indicator.method)
            if result is None:
                continue
            rows.append(
                {
                    "indicator": indicator.code,
                    "period": period.code,
                    "on_date": on_date,
                    "area_id": area[0],
                    "area_name": area[1],
                    "value": result.value,
                    "numerator": result.numerator,
                    "denominator": result.denominator,
                    "formula": str(COMPUTED_FORMULAS.get(indicator.method, "")),
                }
            )
        return Response(s.ComputedSerializer(rows, many=True).data)


class RootView(ConditionalMixin, APIView):
    """The list of endpoints."""

    @extend_schema(
        summary="Endpoints of the API",
        tags=["meta"],
        responses=inline_serializer("Root", {"endpoints": serializers.DictField(child=serializers.URLField())}),
    )
    def get(self, request):
        from api.urls import router  # the router's module imports this one

        endpoints = {
            basename: reverse(f"api:{basename}-list", request=request)
            for _prefix, _viewset, basename in router.registry
        }
        endpoints["facts"] = reverse("api:facts", request=request)
        endpoints["computed"] = reverse("api:computed", request=request)
        endpoints["schema"] = reverse("api-schema", request=request)
        return Response({"endpoints": endpoints})


def dataset_passport(dataset, request) -> dict:
    from opendata.datasets import FIRST_PUBLISHED, LICENCE, STANDARD_VERSION

    version, count, _last = dataset.version()
    root = request.build_absolute_uri(f"/opendata/{dataset.identifier}/")
    return {
        "identifier": dataset.identifier,
        "title": dataset.title,
        "description": dataset.description,
        "creator": settings.OPENDATA_PUBLISHER,
        "publisher": settings.OPENDATA_PUBLISHER,
        "publisher_mbox": settings.OFFICE_EMAIL,
        "format": "csv",
        "standard_version": STANDARD_VERSION,
        "created": FIRST_PUBLISHED,
        "modified": version,
        "version": f"{version:%Y%m%d}",
        "valid": version + datetime.timedelta(days=dataset.valid_days),
        "subject": dataset.subject,
        "keywords": dataset.keywords,
        "license": LICENCE,
        "rows": count,
        "meta_url": root + "meta.csv",
        "data_url": root + dataset.data_name(version),
        "structure_url": root + dataset.structure_name(),
        "columns": [vars(column) for column in dataset.columns],
    }


@extend_schema_view(
    list=extend_schema(summary="Open data sets with their passports", tags=["open data"]),
    retrieve=extend_schema(summary="One open data set's passport", tags=["open data"]),
)
class DatasetViewSet(ConditionalMixin, viewsets.ViewSet):
    serializer_class = s.DatasetSerializer
    lookup_field = "identifier"
    lookup_value_regex = r"[\w-]+"

    @extend_schema(responses=s.DatasetSerializer(many=True))
    def list(self, request):
        from opendata.datasets import DATASETS

        return Response(s.DatasetSerializer([dataset_passport(d, request) for d in DATASETS], many=True).data)

    @extend_schema(responses=s.DatasetSerializer)
    def retrieve(self, request, identifier=None):
        from opendata.datasets import DATASETS

        for dataset in DATASETS:
            if dataset.identifier == identifier:
                return Response(s.DatasetSerializer(dataset_passport(dataset, request)).data)
        raise NotFound
