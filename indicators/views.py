"""Pages of the indicators app: the public dashboard and indicator pages, the
coordinators' entry grid, and the reports and import for officials and staff."""

from __future__ import annotations

import datetime
import functools
import os
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from indicators import charts, conf, exports
from indicators.facts import (
    COMPUTED_FORMULAS,
    TRAFFIC_LIGHT_LABELS,
    BasisKind,
    computed_basis,
    computed_values,
    summary,
    summary_across,
)
from indicators.forms import EntryGridForm, EntryPeriodForm, FilterForm, ImportForm, ReportForm
from indicators.imports import import_preview, values_import
from indicators.models import Indicator, Period, PeriodKind, Value, ValueStatus
from indicators.official import official_report
from indicators.periods import default_period
from indicators.services import can_review, values_approve_period, values_save
from leanedu.fragments import render_with_fragment
from leanedu.models import Organization
from leanedu.roles import Role
from leanedu.scoping import user_scope


def _default_period() -> Period | None:
    """The latest calendar year with approved values (see indicators.periods)."""
    return default_period()


def _filters(request: HttpRequest, form_class=FilterForm, **kwargs):
    form = form_class(request.GET or None, **kwargs)
    period = municipality = None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        municipality = form.cleaned_data["municipality"]
    period = period or _default_period()
    if not form.is_bound:
        form = form_class(initial={"period": period}, **kwargs)
    return form, period, municipality


def _scope_orgs(municipality: Organization | None):
    orgs = Organization.objects.education()
    return orgs.filter(municipality=municipality) if municipality else orgs


# --- public dashboard -------------------------------------------------------------------

# What the dashboard and the indicator page show comes from these apps' tables
# (values and targets, projects and pilot sites, their documents, organisations).
PUBLIC_VERSIONS = ("indicators", "projects", "documents", "organizations")


def dashboard(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        form, period, municipality = _filters(request)
        context = {"form": form, "period": period, "municipality": municipality}
        if period is None:
            return context
        indicators = list(Indicator.objects.visible_to(request.user).select_related("legal_basis"))
        entered = {i.pk: i for i in indicators if not i.is_computed}
        # Approved values are public (``visible_to`` shows them to everyone), so the
        # maintained summary of approved values is every reader's roll-up.
        rolled = summary([period], entered, municipality=municipality)[period.pk]
        rows = []
        for indicator in entered.values():
            if not indicator.is_active_in(period.year):
                continue
            bucket = rolled.get(indicator.pk)
            light = bucket.light if bucket else "none"
            rows.append(
                {"indicator": indicator, "r": bucket, "light": light, "light_label": TRAFFIC_LIGHT_LABELS[light]}
            )
        computed = computed_values(
            _scope_orgs_for_computed(municipality), period, [i.method for i in indicators if i.is_computed]
        )
        computed_rows = [
            {"indicator": i, "value": computed.get(i.method), "formula": COMPUTED_FORMULAS.get(i.method)}
            for i in indicators
            if i.is_computed
        ]
        chart = charts.bar_chart(
            "chart-percent",
            _("Percentage of target reached by indicator, %(period)s") % {"period": period.label},
            [
                charts.Bar(f"{row['indicator'].code}", row["r"].percent if row["r"] else None, row["light"])
                for row in rows
            ],
            unit=" %",
            reference=100,
        )
        # Reporting completeness: who has sent nothing (submitted or approved) for the period.
        orgs = _scope_orgs(municipality)
        reported_values = (
            Value.objects.visible_to(request.user)
            .filter(status__in=[ValueStatus.SUBMITTED, ValueStatus.APPROVED], organization_id=OuterRef("pk"))
            .within(period)
        )
        counts = orgs.aggregate(total=Count("pk"), reported=Count("pk", filter=Q(Exists(reported_values))))
        missing = list(
            orgs.filter(~Exists(reported_values))
            .select_related("municipality")
            .order_by("municipality__short_name", "short_name")[:50]
        )
        context.update(
            rows=rows,
            computed_rows=computed_rows,
            chart=chart,
            counts=counts,
            missing=missing,
            light_labels=TRAFFIC_LIGHT_LABELS,
        )
        return context

    return render_with_fragment(
        request, "indicators/dashboard.html", "indicators/_dashboard.html", build, depends_on=PUBLIC_VERSIONS
    )


def _scope_orgs_for_computed(municipality):
    orgs = Organization.objects.all()
    return orgs.filter(municipality=municipality) if municipality else orgs


def detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.visible_to(request.user).select_related("legal_basis"), code=code)

    def build() -> dict:
        form, period, municipality = _filters(request)
        context = {"indicator": indicator, "form": form, "period": period, "municipality": municipality}
        if period is None:
            return context
        if indicator.is_computed:
            context["computed"] = computed_values(
                _scope_orgs_for_computed(municipality), period, [indicator.method]
            ).get(indicator.method)
            context["formula"] = COMPUTED_FORMULAS.get(indicator.method)
            return context
        one = {indicator.pk: indicator}
        # Over time: every calendar year the indicator is active in (one query for all years).
        years = [
            p
            for p in Period.objects.filter(kind=PeriodKind.YEAR).order_by("year")
            if indicator.is_active_in(p.year) and p.starts_on <= timezone.localdate()
        ]
        by_year = summary(years, one, municipality=municipality)
        over_time = [{"period": year, "r": by_year[year.pk].get(indicator.pk)} for year in years]
        unit = " " + str(indicator.get_unit_display())
        time_chart = charts.bar_chart(
            "chart-time",
            _("%(name)s: fact and target by year") % {"name": indicator.name},
            [
                charts.Bar(
                    str(row["period"].year),
                    row["r"].fact if row["r"] else None,
                    target=row["r"].target if row["r"] else None,
                )
                for row in over_time
            ],
            unit=unit,
        )
        # Across municipalities, or across the organisations of the chosen municipality.
        across = summary_across(period, one, municipality=municipality)
        names = dict(Organization.objects.filter(pk__in=[key for key, _ind in across]).values_list("pk", "short_name"))
        across_rows = sorted(
            ({"name": names.get(key, "—"), "r": bucket} for (key, _ind), bucket in across.items()),
            key=lambda row: row["name"],
        )
        across_chart = charts.bar_chart(
            "chart-across",
            _("%(name)s: fact and target, %(period)s") % {"name": indicator.name, "period": period.label},
            [charts.Bar(row["name"], row["r"].fact, row["r"].light, row["r"].target) for row in across_rows],
            unit=unit,
        )
        context.update(
            over_time=over_time,
            time_chart=time_chart,
            across_rows=across_rows,
            across_chart=across_chart,
            across_is_orgs=bool(municipality),
            light_labels=TRAFFIC_LIGHT_LABELS,
        )
        return context

    return render_with_fragment(
        request,
        "indicators/detail.html",
        "indicators/_detail.html",
        build,
        depends_on=PUBLIC_VERSIONS,
        context={"indicator": indicator},
    )


BASIS_PER_PAGE = 50


def basis(request: HttpRequest, code: str, part: str) -> HttpResponse:
    """Drill-through of a computed figure: the pilot sites, projects or
    organisations its numerator (or denominator) counts, a page at a time.
    Projects are listed through the reader's scope (the counted ones are
    public: completion is a public status)."""
    from projects.models import PilotSite, Project

    indicator = get_object_or_404(Indicator.objects.visible_to(request.user).computed(), code=code)
    form, period, municipality = _filters(request)
    if period is None:
        raise Http404
    found = computed_basis(indicator.method, _scope_orgs_for_computed(municipality), period)
    rows = found.numerator if part == "numerator" else found.denominator
    if rows is None:
        raise Http404
    if found.kind == BasisKind.PROJECTS:
        rows = (
            Project.objects.visible_to(request.user)
            .filter(pk__in=rows.values("pk"))
            .with_milestones()
            .select_related("organization", "organization__municipality")
            .order_by("organization__municipality__short_name", "organization__short_name", "title", "pk")
        )
    elif found.kind == BasisKind.PILOT_SITES:
        rows = (
            PilotSite.objects.visible_to(request.user)
            .filter(pk__in=rows.values("pk"))
            .select_related("organization", "organization__municipality", "document")
            .order_by("organization__municipality__short_name", "organization__short_name", "pk")
        )
    else:
        rows = rows.select_related("municipality").order_by("municipality__short_name", "short_name", "pk")
    page = Paginator(rows, BASIS_PER_PAGE).get_page(request.GET.get("page"))
    query = {"period": period.pk}
    if municipality:
        query["municipality"] = municipality.pk
    return render(
        request,
        "indicators/basis.html",
        {
            "indicator": indicator,
            "period": period,
            "municipality": municipality,
            "part": part,
            "kind": found.kind,
            "page": page,
            "query": urlencode(query),
            "formula": COMPUTED_FORMULAS.get(indicator.method),
        },
    )


# --- coordinators' entry grid -------------------------------------------------------------


def _default_entry_period() -> Period | None:
    """The latest quarter that has ended."""
    today = timezone.localdate()
    return (
        Period.objects.filter(kind=PeriodKind.QUARTER, ends_on__lt=today).order_by("-starts_on").first()
        or Period.objects.filter(kind=PeriodKind.QUARTER).order_by("starts_on").first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if not scope.coordinator_org_ids:
        raise PermissionDenied
    organizations = Organization.objects.coordinated_by(request.user).order_by("short_name")
    chooser = EntryPeriodForm(request.GET or None, organizations=organizations)
    organization, period = organizations.first(), _default_entry_period()
    if chooser.is_bound and chooser.is_valid():
        organization, period = chooser.cleaned_data["organization"], chooser.cleaned_data["period"]
    elif not chooser.is_bound:
        chooser = EntryPeriodForm(initial={"organization": organization, "period": period}, organizations=organizations)
    if organization is None or period is None:
        return render(request, "indicators/entry.html", {"chooser": chooser})
    # The grid shows every value of the organisation, locked ones too (read
    # only): the rulebook's view rule, since the organisation is the user's
    # own; whether a value may still change is its own ``is_editable``.
    current = {
        v.indicator_id: v
        for v in Value.objects.visible_to(request.user).filter(organization=organization, period=period)
    }
    indicators = Indicator.objects.entered().active_in(period.year).filter(level="organization")
    rows = [(indicator, current.get(indicator.pk)) for indicator in indicators]
    grid = EntryGridForm(request.POST or None, rows=rows)
    if request.method == "POST" and grid.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            values_save(
                actor=request.user, organization=organization, period=period, rows=grid.entry_rows(), submit=submit
            )
        except ValidationError as exc:
            for message in exc.messages:
                grid.add_error(None, message)
        else:
            messages.success(
                request, _("The values were submitted for review.") if submit else _("The draft was saved.")
            )
            return redirect(f"{reverse('indicators:entry')}?organization={organization.pk}&period={period.pk}")
    return render(
        request,
        "indicators/entry.html",
        {"chooser": chooser, "grid": grid, "organization": organization, "period": period},
    )


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """«Мои отчёты к сдаче»: the coordinator's organisations × the quarters
    around today, with the due date and what is still owed."""
    from indicators.deadlines import owed

    scope = user_scope(request.user)
    if not scope.coordinator_org_ids:
        raise PermissionDenied
    today = timezone.localdate()
    organizations = Organization.objects.coordinated_by(request.user)
    periods = Period.objects.filter(
        kind=PeriodKind.QUARTER,
        ends_on__gte=today - datetime.timedelta(days=100),
        starts_on__lte=today,
    ).order_by("-starts_on")
    rows = []
    for period in periods:
        for item in owed(period, organizations):
            rows.append({"item": item, "overdue": not item.delivered and item.due_on < today})
    return render(request, "indicators/due.html", {"rows": rows, "today": today})


# --- reports (officials and office staff) -------------------------------------------------


def reports_access(view):
    """Officials and office staff; anonymous visitors go to the login page, other roles get 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = user_scope(request.user)
        if not (scope.is_office or scope.has_role(Role.OFFICIAL)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_review(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@reports_access
def reports_index(request: HttpRequest) -> HttpResponse:
    form, period, municipality = _filters(request, ReportForm, user=request.user)
    return render(
        request,
        "indicators/reports.html",
        {
            "form": form,
            "period": period,
            "municipality": municipality,
            "can_import": can_review(request.user),
            "import_form": ImportForm(initial={"period": period}),
        },
    )


def _report_params(request):
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid() or form.cleaned_data["period"] is None:
        return None, None, None
    separator = form.cleaned_data.get("separator") or conf.csv_separator()
    municipality = form.cleaned_data["municipality"]
    if (
        municipality is not None
        and not Organization.objects.visible_to(request.user).filter(pk=municipality.pk).exists()
    ):
        raise PermissionDenied
    return form.cleaned_data["period"], municipality, separator


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_response(path: str, filename: str, content_type: str = XLSX_TYPE) -> FileResponse:
    handle = open(path, "rb")  # noqa: SIM115 — FileResponse closes it
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def _scoped_values(request, municipality):
    values = Value.objects.reportable_by(request.user)
    if municipality is not None:
        values = values.filter(organization__municipality=municipality)
    return values


def _official_name(period, municipality, extension: str) -> str:
    where = f" {municipality.short_name}" if municipality is not None else ""
    return f"Отчёт о целевых показателях {period.code}{where}.{extension}".replace("/", "-").replace('"', "")


@reports_access
def report_official_xlsx(request: HttpRequest) -> HttpResponse:
    period, municipality, _sep = _report_params(request)
    if period is None:
        return redirect("reports:index")
    path = exports.official_xlsx(official_report(request.user, period, municipality))
    return _file_response(path, _official_name(period, municipality, "xlsx"))


@reports_access
def report_official_pdf(request: HttpRequest) -> HttpResponse:
    from indicators.pdf import official_pdf

    period, municipality, _sep = _report_params(request)
    if period is None:
        return redirect("reports:index")
    path = official_pdf(official_report(request.user, period, municipality))
    return _file_response(path, _official_name(period, municipality, "pdf"), content_type="application/pdf")


@reports_access
def report_values_xlsx(request: HttpRequest) -> HttpResponse:
    period, municipality, _sep = _report_params(request)
    if period is None:
        return redirect("reports:index")
    path = exports.flat_xlsx(_scoped_values(request, municipality), period)
    return _file_response(path, f"indicators-values-{period.code}.xlsx")


@reports_access
def report_values_csv(request: HttpRequest) -> HttpResponse:
    period, municipality, separator = _report_params(request)
    if period is None:
        return redirect("reports:index")
    response = StreamingHttpResponse(
        exports.csv_stream(_scoped_values(request, municipality), period, separator),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="indicators-values-{period.code}.csv"'
    return response


@staff_only
@require_POST
def approve_period(request: HttpRequest) -> HttpResponse:
    """One action: every submitted value of a municipality for a period is approved."""
    period, municipality, _sep = _report_params(request)
    if period is None or municipality is None:
        messages.error(request, _("Choose the period and the municipality."))
        return redirect("reports:index")
    count = values_approve_period(actor=request.user, period=period, municipality=municipality)
    messages.success(
        request,
        _("%(count)s submitted values of %(municipality)s for %(period)s are approved.")
        % {"count": count, "municipality": municipality.short_name, "period": period.label},
    )
    return redirect(f"{reverse('reports:index')}?period={period.pk}&municipality={municipality.pk}")


@staff_only
def on_time(request: HttpRequest) -> HttpResponse:
    """Each organisation's on-time rate over the last four quarters past their deadline."""
    from indicators.deadlines import on_time_rates

    municipality_id = request.GET.get("municipality")
    orgs = Organization.objects.visible_to(request.user)
    if municipality_id and municipality_id.isdigit():
        orgs = orgs.filter(municipality_id=int(municipality_id))
    rows = on_time_rates(orgs)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "indicators/on_time.html", {"page": page})


@staff_only
def import_template(request: HttpRequest) -> HttpResponse:
    period, municipality, _sep = _report_params(request)
    if period is None:
        return redirect("reports:index")
    orgs = Organization.objects.visible_to(request.user)
    if municipality is not None:
        orgs = orgs.filter(municipality=municipality)
    path = exports.import_template_xlsx(orgs, period)
    return _file_response(path, f"indicators-template-{period.code}.xlsx")


IMPORT_SESSION_KEY = "indicators_import"


@staff_only
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "indicators/import_preview.html", {"form": form}, status=400)
    period = form.cleaned_data["period"]
    name = default_storage.save(f"indicators/imports/{uuid.uuid4().hex}.xlsx", form.cleaned_data["file"])
    try:
        with default_storage.open(name, "rb") as source:
            preview = import_preview(actor=request.user, source=source, period=period)
    except ValidationError as exc:
        default_storage.delete(name)
        form.add_error("file", exc.messages)
        return render(request, "indicators/import_preview.html", {"form": form}, status=400)
    previous = request.session.get(IMPORT_SESSION_KEY)
    if previous and default_storage.exists(previous["name"]):
        default_storage.delete(previous["name"])
    request.session[IMPORT_SESSION_KEY] = {
        "name": name,
        "period": period.pk,
        "approve": form.cleaned_data["approve"],
    }
    return render(request, "indicators/import_preview.html", {"preview": preview, "period": period, "form": form})


@staff_only
@require_POST
def import_apply(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or not default_storage.exists(pending["name"]):
        messages.error(request, _("There is no uploaded file to import; upload it again."))
        return redirect("reports:index")
    period = get_object_or_404(Period, pk=pending["period"])
    try:
        with default_storage.open(pending["name"], "rb") as source:
            preview = values_import(actor=request.user, source=source, period=period, approve=pending["approve"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:index")
    default_storage.delete(pending["name"])
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        _("Imported %(created)s new and %(updated)s changed values for %(period)s.")
        % {"created": preview.to_create, "updated": preview.to_update, "period": period.label},
    )
    return redirect("reports:index")
