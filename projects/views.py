"""Pages: the public showcase and pilot sites, and the coordinator's cabinet.

Views stay thin: they look objects up through the scoped querysets (so what a
user may not see is a 404), validate forms and call services."""

from __future__ import annotations

import os
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from leanedu.fragments import render_with_fragment
from leanedu.models import Organization
from leanedu.scoping import user_scope
from projects import conf
from projects.filters import ShowcaseFilter
from projects.forms import (
    AttachmentForm,
    MetricFormSet,
    MetricResultFormSet,
    NewMetricFormSet,
    ProjectForm,
    ReplicateForm,
    TeamFormSet,
)
from projects.materials import materials_zip
from projects.models import (
    PHOTO_KINDS,
    LeanTool,
    PilotSite,
    Project,
    ProjectAttachment,
    ProjectStatus,
)
from projects.services import (
    REPLICABLE_KINDS,
    attachment_add,
    attachment_delete,
    missing_for_submission,
    project_create_draft,
    project_replicate,
    project_save_parts,
    project_submit,
    project_update,
)

# --- public -----------------------------------------------------------------------------


def pilot_site_list(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        sites = PilotSite.objects.visible_to(request.user).for_listing()
        return {"page": Paginator(sites, conf.pilot_sites_page_size()).get_page(request.GET.get("page"))}

    return render_with_fragment(
        request,
        "projects/pilot_site_list.html",
        "projects/_pilot_site_list.html",
        build,
        depends_on=["projects", "documents", "organizations"],
    )


def project_list(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        projects = (
            Project.objects.public()
            .select_related("organization", "organization__municipality")
            .prefetch_related(Prefetch("tools", queryset=LeanTool.objects.only("pk", "name")))
            .only(
                "pk",
                "title",
                "status",
                "stage",
                "problem",
                "is_replicable",
                "updated_at",
                "organization__short_name",
                "organization__kind",
                "organization__municipality__short_name",
            )
        )
        filterset = ShowcaseFilter(request.GET or None, queryset=projects)
        page = Paginator(filterset.qs, conf.showcase_page_size()).get_page(request.GET.get("page"))
        return {"filter": filterset, "page": page, "filtered": filterset.is_bound}

    return render_with_fragment(
        request,
        "projects/project_list.html",
        "projects/_project_list.html",
        build,
        depends_on=["projects", "organizations"],
    )


def _copies_of(project: Project) -> list[Project]:
    """Who repeated the standard solution, and with what result: public copies
    in other organisations, each with whether it reached its goal."""
    copies = (
        Project.objects.public()
        .copies_elsewhere()
        .filter(source=project)
        .select_related("organization")
        .order_by("organization__short_name", "pk")
    )
    reached = set(copies.filter(status=ProjectStatus.COMPLETED).goal_reached().values_list("pk", flat=True))
    result = list(copies)
    for copy in result:
        copy.reached_goal = copy.pk in reached
    return result


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "organization", "organization__municipality", "source", "source__organization"
        ),
        pk=pk,
    )
    scope = user_scope(request.user)
    can_repeat = (
        project.is_replicable and project.is_public and bool(set(scope.coordinator_org_ids) - {project.organization_id})
    )
    can_see_files = Project.objects.with_private_files_for(request.user).filter(pk=project.pk).exists()
    attachments = list(project.attachments.all())
    photos = [a for a in attachments if a.is_photo and (project.is_public or can_see_files)]
    documents = [a for a in attachments if not a.is_photo] if can_see_files else []
    return render(
        request,
        "projects/project_detail.html",
        {
            **_passport(project),
            "photos_before": [a for a in photos if a.kind == PHOTO_KINDS[0]],
            "photos_after": [a for a in photos if a.kind == PHOTO_KINDS[1]],
            "documents": documents,
            "copies": _copies_of(project) if project.is_replicable else [],
            "can_repeat": can_repeat,
            "can_download_materials": project.is_replicable and scope.is_office,
            "source": project.source if project.source_id and project.source.is_public else None,
        },
    )


def _passport(project: Project) -> dict:
    """What the public page and the cabinet both show of a project: the
    passport with its metrics, team and lean tools."""
    return {
        "project": project,
        "metrics": list(project.metrics.all()),
        "team": list(project.team.all()),
        "tools": list(project.tools.all()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """«Повторить у себя»: choose the organisation and the files, make the draft."""
    source = get_object_or_404(Project.objects.replicable().select_related("organization"), pk=pk)
    organizations = Organization.objects.coordinated_by(request.user).exclude(pk=source.organization_id)
    if not organizations.exists():
        raise PermissionDenied
    form = ReplicateForm(
        request.POST or None,
        organizations=organizations.order_by("short_name"),
        attachments=source.attachments.filter(kind__in=REPLICABLE_KINDS),
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = project_replicate(
                actor=request.user,
                source=source,
                organization=form.cleaned_data["organization"],
                attachments=form.cleaned_data["attachments"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(
                request,
                gettext(
                    "A draft repeating «%(title)s» is made in your cabinet. Fill in the leader, dates and «before» "
                    "and «goal» values, then submit it."
                )
                % {"title": source.title},
            )
            return redirect("projects:cabinet_project", pk=copy.pk)
    return render(request, "projects/replicate.html", {"source": source, "form": form})


@login_required
def project_materials(request: HttpRequest, pk: int) -> HttpResponse:
    """The project office's download of a standard solution's materials: one
    ZIP with the passport as PDF and every attachment."""
    if not user_scope(request.user).is_office:
        raise PermissionDenied
    project = get_object_or_404(Project.objects.filter(is_replicable=True).select_related("organization"), pk=pk)
    path = materials_zip(project)
    handle = open(path, "rb")  # noqa: SIM115 — FileResponse closes it
    os.unlink(path)
    name = f"Типовое решение {project.pk} — {project.title[:60]}.zip".replace("/", "-").replace('"', "")
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Photos of public projects for anyone; every other file only for users
    whose scope covers the project's organisation."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    attachment = get_object_or_404(ProjectAttachment, project=project, pk=attachment_id)
    public_photo = attachment.is_photo and project.is_public
    if not public_photo and not Project.objects.with_private_files_for(request.user).filter(pk=project.pk).exists():
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = attachment.is_image or attachment.content_type == "application/pdf"
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public_photo else "private, no-store"
    return response


# --- cabinet ------------------------------------------------------------------------------

CABINET_ORDER = [
    ProjectStatus.RETURNED,
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.APPROVED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.CANCELLED,
]


@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if not scope.coordinator_org_ids:
        return render(request, "projects/cabinet_no_role.html", {"is_office": scope.is_office}, status=200)
    organizations = list(Organization.objects.coordinated_by(request.user))
    projects = list(
        Project.objects.in_cabinet_of(request.user)
        .select_related("organization")
        .only("pk", "title", "status", "stage", "updated_at", "review_comment", "organization__short_name")
    )
    rank = {status: i for i, status in enumerate(CABINET_ORDER)}
    projects.sort(key=lambda p: (rank.get(p.status, 99), -p.updated_at.timestamp()))
    groups = [(ProjectStatus(status).label, list(items)) for status, items in groupby(projects, key=lambda p: p.status)]
    return render(
        request,
        "projects/cabinet.html",
        {"organizations": organizations, "groups": groups, "has_projects": bool(projects)},
    )


def _cabinet_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.in_cabinet_of(request.user).select_related("organization", "source__organization"), pk=pk
    )


@login_required
def cabinet_project_create(request: HttpRequest) -> HttpResponse:
    organizations = list(Organization.objects.coordinated_by(request.user))
    if not organizations:
        raise Http404
    organization = organizations[0]
    if len(organizations) > 1:
        chosen = request.POST.get("organization") or request.GET.get("organization")
        organization = next((o for o in organizations if str(o.pk) == chosen), organization)
    form = ProjectForm(request.POST or None, creating=True)
    metrics = NewMetricFormSet(request.POST or None, prefix="metrics")
    team = TeamFormSet(request.POST or None, prefix="team")
    if request.method == "POST" and form.is_valid() and metrics.is_valid() and team.is_valid():
        data = dict(form.cleaned_data)
        tools = data.pop("tools", None)
        try:
            with transaction.atomic():
                project = project_create_draft(actor=request.user, organization=organization, tools=tools, **data)
                project_save_parts(actor=request.user, project=project, metrics=metrics, team=team)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("The draft is saved. Add files and submit it when it is ready."))
            return redirect("projects:cabinet_project", pk=project.pk)
    return render(
        request,
        "projects/cabinet_form.html",
        {
            "form": form,
            "metrics": metrics,
            "team": team,
            "organizations": organizations,
            "organization": organization,
            "project": None,
        },
    )


@login_required
def cabinet_project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _cabinet_project(request, pk)
    if not (project.is_editable or project.accepts_results):
        messages.info(request, gettext("This project can no longer be changed."))
        return redirect("projects:cabinet_project", pk=project.pk)
    results_only = not project.is_editable
    data = request.POST or None
    form = ProjectForm(data, instance=project, results_only=results_only)
    metric_class = MetricResultFormSet if results_only else MetricFormSet
    metrics = metric_class(data, instance=project, prefix="metrics")
    team = None if results_only else TeamFormSet(data, instance=project, prefix="team")
    if request.method == "POST" and form.is_valid() and metrics.is_valid() and (team is None or team.is_valid()):
        fields = {name: form.cleaned_data[name] for name in form.fields if name != "tools"}
        try:
            with transaction.atomic():
                project_update(actor=request.user, project=project, tools=form.cleaned_data.get("tools"), **fields)
                project_save_parts(actor=request.user, project=project, metrics=metrics, team=team)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Changes saved."))
            return redirect("projects:cabinet_project", pk=project.pk)
    return render(
        request,
        "projects/cabinet_form.html",
        {"form": form, "metrics": metrics, "team": team, "project": project, "results_only": results_only},
    )


@login_required
def cabinet_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = _cabinet_project(request, pk)
    return render(
        request,
        "projects/cabinet_project.html",
        {
            **_passport(project),
            "attachments": list(project.attachments.all()),
            "transitions": list(project.transitions.select_related("actor")),
            # The proposal the project was made from: its number and text, never its author.
            "proposals": list(project.proposals.only("pk", "number", "text", "project_id").order_by("pk")),
            "is_office": user_scope(request.user).is_office,
            "missing": missing_for_submission(project) if project.is_editable else [],
            "upload_form": AttachmentForm() if (project.is_editable or project.accepts_results) else None,
        },
    )


@login_required
@require_POST
def cabinet_project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _cabinet_project(request, pk)
    try:
        project_submit(actor=request.user, project=project)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("The project is submitted to the project office for review."))
    return redirect("projects:cabinet_project", pk=project.pk)


@login_required
@require_POST
def cabinet_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = _cabinet_project(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                actor=request.user,
                project=project,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, gettext("The file was not accepted: %(reason)s") % {"reason": message})
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("The file is attached."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, gettext("The file was not accepted: %(reason)s") % {"reason": message})
    return redirect("projects:cabinet_project", pk=project.pk)


@login_required
@require_POST
def cabinet_attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    project = _cabinet_project(request, pk)
    attachment = get_object_or_404(ProjectAttachment, project=project, pk=attachment_id)
    try:
        attachment_delete(actor=request.user, attachment=attachment)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, gettext("The file is removed."))
    return redirect("projects:cabinet_project", pk=project.pk)
