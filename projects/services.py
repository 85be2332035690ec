"""Writes of pilot sites and projects. Every write takes the acting user,
checks the actor's right, runs in a transaction and validates before saving.

Status changes are named transitions: each checks the source status and the
actor's role, writes the transition log (and, through simple-history, the
project's history) and e-mails the other side through the outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanedu.mail import absolute_url, queue_email
from leanedu.models import Membership, Organization
from leanedu.roles import Role
from leanedu.rules import ADD, CHANGE, DELETE, SUBMIT, is_office, require
from leanedu.scoping import user_scope
from leanedu.transitions import Step, TransitionError, require_status, set_reason
from projects import conf
from projects.models import (
    EDITABLE_STATUSES,
    PHOTO_KINDS,
    PUBLIC_STATUSES,
    RESULT_STATUSES,
    AttachmentKind,
    Project,
    ProjectAttachment,
    ProjectStage,
    ProjectStatus,
    ProjectTransition,
)
from projects.uploads import check_upload

# Passport fields a coordinator may set while the project is a draft or returned.
PASSPORT_FIELDS = (
    "title",
    "stage",
    *Project.PROCESS_FIELDS,
    *Project.PEOPLE_FIELDS,
    "risks",
    "results",
    *Project.DATE_FIELDS,
)
STAGE_ORDER = list(ProjectStage)
# Fields a coordinator may still change once the project is approved.
RESULT_FIELDS = ("stage", "results", "actual_start", "actual_end")


# --- who may do what: the rulebook (leanedu.rules) -------------------------------------


def is_coordinator_of(actor, organization_id: int) -> bool:
    return actor is not None and organization_id in user_scope(actor).coordinator_org_ids


STATUS_MESSAGE = _("«%(action)s» is not possible for a project whose status is «%(status)s».")


def _require_status(project: Project, allowed: Iterable[str], action: str) -> None:
    require_status(project, allowed, action, STATUS_MESSAGE)


# --- create and edit ------------------------------------------------------------------


@transaction.atomic
def project_create_draft(*, actor, organization: Organization, title: str, problem: str = "", **fields) -> Project:
    """A new draft project of ``organization``.

    A coordinator of that organisation, or office staff (e.g. when a citizen's
    proposal becomes a project), may create one; ``actor=None`` is the system
    itself (demo data, imports)."""
    tools = fields.pop("tools", None)
    project = Project(
        organization=organization,
        title=title,
        problem=problem,
        status=ProjectStatus.DRAFT,
        created_by=actor,
        **fields,
    )
    project.full_clean()
    set_reason(project, "created", actor)
    project.save()
    require(actor, ADD, project)
    if tools is not None:
        project.tools.set(tools)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, tools=None, **fields) -> Project:
    """Change the passport. A coordinator edits drafts and returned projects
    fully, approved and running ones only in their results; office staff may
    correct any passport field at any time."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(actor, CHANGE, project)
    if is_office(actor):
        allowed = PASSPORT_FIELDS + ("is_replicable",)
    else:
        if project.status in EDITABLE_STATUSES:
            allowed = PASSPORT_FIELDS
        elif project.status in RESULT_STATUSES:
            allowed = RESULT_FIELDS
            tools = None
        else:
            raise TransitionError(
                gettext("A project whose status is «%(status)s» cannot be changed.")
                % {"status": project.get_status_display()},
                code="bad_status",
            )
    unknown = set(fields) - set(allowed)
    if unknown:
        raise PermissionDenied(
            gettext("These fields cannot be changed now: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    set_reason(project, "passport changed", actor)
    project.save()
    if tools is not None:
        project.tools.set(tools)
    return project


def can_edit_metric_plan(actor, project: Project) -> bool:
    """Metric names, было and цель: fixed once the office approved the project."""
    if is_office(actor):
        return True
    return is_coordinator_of(actor, project.organization_id) and project.status in EDITABLE_STATUSES


def can_record_results(actor, project: Project) -> bool:
    if is_office(actor):
        return True
    return is_coordinator_of(actor, project.organization_id) and project.status in (EDITABLE_STATUSES + RESULT_STATUSES)


# --- replication («тиражирование») ---------------------------------------------------------

# What a copy may take of the standard solution's files: its maps, plan and
# standard; photos show the source's own school.
# What a copy takes of the standard solution's passport: the process and the
# problem it solves, not its dates, people or results.
REPLICATED_FIELDS = ("title", *Project.PROCESS_FIELDS, "risks")
REPLICABLE_KINDS = (
    AttachmentKind.CURRENT_MAP,
    AttachmentKind.TARGET_MAP,
    AttachmentKind.ACTION_PLAN,
    AttachmentKind.STANDARD,
)


def copy_of_standard_solution(*, actor, source: Project, organization: Organization) -> Project:
    """The draft copy itself — title, passport, lean tools, metrics without
    values, linked to its source — without the coordinator's checks: the caller
    has made them (``project_replicate``) or is the demo data, which replays a
    replication on the office's behalf."""
    from projects.models import ProjectMetric

    copy = project_create_draft(
        actor=actor,
        organization=organization,
        tools=list(source.tools.all()),
        **{name: getattr(source, name) for name in REPLICATED_FIELDS},
    )
    copy.source = source
    copy._change_reason = f"replicate #{source.pk}"
    copy.save(update_fields=["source"])
    for metric in source.metrics.all():
        ProjectMetric.objects.create(project=copy, name=metric.name, unit=metric.unit, direction=metric.direction)
    return copy


@transaction.atomic
def project_replicate(*, actor, source: Project, organization: Organization, attachments=()) -> Project:
    """«Повторить у себя»: a draft project of ``organization`` made from the
    standard solution ``source`` — its title, process, problem, goal and lean
    tools, its metrics without values, and the ``attachments`` chosen among its
    maps, plan and standard — linked to its source. A coordinator of
    ``organization`` (another organisation than the source's) does it."""
    from django.core.files.base import ContentFile

    if not is_coordinator_of(actor, organization.pk):
        raise PermissionDenied(gettext("Only a coordinator of this organisation can do this."))
    source = Project.objects.replicable().get(pk=source.pk)
    if source.organization_id == organization.pk:
        raise ValidationError(
            gettext("This is your organisation's own project: a standard solution is repeated in other organisations."),
            code="own_project",
        )
    copy = copy_of_standard_solution(actor=actor, source=source, organization=organization)
    chosen = source.attachments.filter(pk__in=[a.pk for a in attachments], kind__in=REPLICABLE_KINDS)
    for original in chosen:
        with original.file.open("rb") as handle:
            content = ContentFile(handle.read(), name=original.original_name)
        attachment = ProjectAttachment(
            project=copy,
            kind=original.kind,
            original_name=original.original_name,
            content_type=original.content_type,
            size=original.size,
            caption=original.caption,
            uploaded_by=actor,
        )
        attachment.file.save(original.original_name, content, save=False)
        attachment.save()
    return copy


@transaction.atomic
def project_delete(*, actor, project: Project, reason: str = "") -> None:
    """Delete a project (office staff). An approved, running or completed one
    needs a reason, kept in the deletion's history row; its stored files go
    after the commit."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(actor, DELETE, project)
    reason = (reason or "").strip()
    if project.status in PUBLIC_STATUSES and not reason:
        raise ValidationError({"reason": _("Write why an approved project is deleted.")}, code="reason_required")
    files = [(a.file.storage, a.file.name) for a in project.attachments.all()]
    set_reason(project, reason or "deleted", actor)
    project.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


# --- attachments ------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor, project: Project, kind: str, upload, caption: str = "") -> ProjectAttachment:
    """Store one checked file. Refused (nothing stored) when the file is not
    what it claims, too large, or the project no longer accepts files."""
    require(actor, CHANGE, project)
    if not is_office(actor):
        _require_status(project, EDITABLE_STATUSES + RESULT_STATUSES, gettext("Adding files"))
    kind = AttachmentKind(kind)
    checked = check_upload(upload, images_only=kind in PHOTO_KINDS)
    attachment = ProjectAttachment(
        project=project,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        caption=caption,
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, checked.content, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_update(*, actor, attachment: ProjectAttachment, caption: str) -> ProjectAttachment:
    """Change an attachment's caption (the file itself is replaced by a new upload)."""
    attachment = ProjectAttachment.objects.select_for_update().get(pk=attachment.pk)
    require(actor, CHANGE, attachment)
    attachment.caption = caption
    attachment.full_clean()
    attachment.save(update_fields=["caption"])
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: ProjectAttachment) -> None:
    project = attachment.project
    require(actor, CHANGE, project)
    if not is_office(actor):
        _require_status(project, EDITABLE_STATUSES + RESULT_STATUSES, gettext("Removing files"))
    storage, name = attachment.file.storage, attachment.file.name
    set_reason(attachment, "removed", actor)
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- transitions ------------------------------------------------------------------------


def missing_for_submission(project: Project) -> list[str]:
    """What the passport still lacks before it can be submitted, in plain words."""
    missing = []
    if not project.problem.strip():
        missing.append(gettext("the problem"))
    if not project.goal.strip():
        missing.append(gettext("the goal"))
    if not project.leader.strip():
        missing.append(gettext("the project leader"))
    if not project.planned_start or not project.planned_end:
        missing.append(gettext("the planned start and end dates"))
    metrics = list(project.metrics.all())
    if not any(m.baseline_value is not None and m.target_value is not None for m in metrics):
        missing.append(gettext("at least one metric with both «before» and «goal» values"))
    return missing


CANCELLABLE = (
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.RETURNED,
    ProjectStatus.APPROVED,
    ProjectStatus.IN_PROGRESS,
)


@dataclass(frozen=True, kw_only=True)
class ProjectStep(Step):
    """A transition of the project workflow also sends a letter: to the office
    when a coordinator submits, to the organisation's coordinators on every
    decision of the office."""

    subject: str  # «%(title)s» is the project's title
    template: str  # projects/email/<template>
    to_office: bool = False
    status_message: str | None = STATUS_MESSAGE


STEPS: dict[str, ProjectStep] = {
    "submit": ProjectStep(
        sources=tuple(EDITABLE_STATUSES),
        to=ProjectStatus.SUBMITTED,
        label=_("Submission for review"),
        subject=_("Project submitted for review: %(title)s"),
        template="submitted.txt",
        action=SUBMIT,
        to_office=True,
    ),
    "return": ProjectStep(
        sources=(ProjectStatus.SUBMITTED,),
        to=ProjectStatus.RETURNED,
        label=_("Return for revision"),
        subject=_("Project returned for revision: %(title)s"),
        template="returned.txt",
    ),
    "approve": ProjectStep(
        sources=(ProjectStatus.SUBMITTED,),
        to=ProjectStatus.APPROVED,
        label=_("Approval"),
        subject=_("Project approved: %(title)s"),
        template="approved.txt",
    ),
    "start": ProjectStep(
        sources=(ProjectStatus.APPROVED,),
        to=ProjectStatus.IN_PROGRESS,
        label=_("Start"),
        subject=_("Project started: %(title)s"),
        template="started.txt",
    ),
    "complete": ProjectStep(
        sources=(ProjectStatus.IN_PROGRESS,),
        to=ProjectStatus.COMPLETED,
        label=_("Completion"),
        subject=_("Project completed: %(title)s"),
        template="completed.txt",
    ),
    "cancel": ProjectStep(
        sources=CANCELLABLE,
        to=ProjectStatus.CANCELLED,
        label=_("Cancellation"),
        subject=_("Project cancelled: %(title)s"),
        template="cancelled.txt",
    ),
}
# From which statuses each transition starts: the services use it, the admin
# offers the office's decisions from it.
TRANSITION_SOURCES: dict[str, tuple[str, ...]] = {name: step.sources for name, step in STEPS.items()}


def _project_transition(
    project: Project,
    name: str,
    *,
    actor,
    comment: str = "",
    check: Callable[[Project], None] | None = None,
    change: Callable[[Project], None] | None = None,
) -> Project:
    """Make the transition ``name`` (see ``STEPS``): the kernel's transition,
    the log row the coordinator reads (with ``comment``; the project's history
    has it too) and the letter."""
    step = STEPS[name]
    comment = (comment or "").strip()

    def log(p: Project, from_status: str) -> None:
        ProjectTransition.objects.create(
            project=p, from_status=from_status, to_status=p.status, actor=actor, comment=comment
        )

    def notify(p: Project) -> None:
        send = _notify_office if step.to_office else _notify_coordinators
        send(p, subject=step.subject % {"title": p.title}, template=step.template, comment=comment)

    return step.run(project, actor=actor, related=("organization",), check=check, change=change, log=log, notify=notify)


def _check_complete_passport(project: Project) -> None:
    missing = missing_for_submission(project)
    if missing:
        raise ValidationError(
            [gettext("Before submitting, fill in:")] + [f"— {item}" for item in missing], code="incomplete"
        )


def project_submit(*, actor, project: Project) -> Project:
    """Coordinator → office: a draft or a returned project goes for review."""

    def change(p: Project) -> None:
        p.submitted_at = timezone.now()

    return _project_transition(project, "submit", actor=actor, check=_check_complete_passport, change=change)


def _required(text: str, message, code: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"comment": message}, code=code)
    return text


def _set_review_comment(comment: str) -> Callable[[Project], None]:
    def change(p: Project) -> None:
        p.review_comment = comment

    return change


def project_return(*, actor, project: Project, comment: str) -> Project:
    """Office → coordinator: back for revision, with what to fix."""
    comment = _required(comment, _("Write what the organisation should fix."), "comment_required")
    return _project_transition(project, "return", actor=actor, comment=comment, change=_set_review_comment(comment))


def project_approve(*, actor, project: Project, comment: str = "") -> Project:
    """Office: the passport is accepted; the project appears in the showcase."""
    comment = (comment or "").strip()

    def change(p: Project) -> None:
        p.review_comment = comment
        if p.source_id and p.source.organization_id != p.organization_id:
            # The first approved copy elsewhere: the standard solution is being replicated.
            source = Project.objects.select_for_update().get(pk=p.source_id)
            if source.status == ProjectStatus.COMPLETED and source.stage != ProjectStage.REPLICATION:
                source.stage = ProjectStage.REPLICATION
                source._change_reason = "replicated"
                source.save(update_fields=["stage", "updated_at"])

    return _project_transition(project, "approve", actor=actor, comment=comment, change=change)


def project_start(*, actor, project: Project, comment: str = "") -> Project:
    """Office: an approved project starts (implementation is under way)."""

    def change(p: Project) -> None:
        if p.actual_start is None:
            p.actual_start = timezone.localdate()

    return _project_transition(project, "start", actor=actor, comment=comment, change=change)


def _check_metrics_complete(project: Project) -> None:
    metrics = list(project.metrics.all())
    if not metrics:
        raise ValidationError(gettext("A project without metrics cannot be completed."), code="no_metrics")
    without = [m.name for m in metrics if m.actual_value is None]
    if without:
        raise ValidationError(
            gettext("Enter the «after» value of every metric first. Missing: %(names)s")
            % {"names": "; ".join(without)},
            code="metrics_incomplete",
        )


def project_complete(*, actor, project: Project, comment: str = "") -> Project:
    """Office: the project is finished — only once every metric has its «after» value."""

    def change(p: Project) -> None:
        if p.actual_end is None:
            p.actual_end = timezone.localdate()
        # Completion closes the project's own stages; «тиражирование» comes after, when others repeat it.
        if STAGE_ORDER.index(p.stage) < STAGE_ORDER.index(ProjectStage.CONSOLIDATION):
            p.stage = ProjectStage.CONSOLIDATION

    return _project_transition(
        project, "complete", actor=actor, comment=comment, check=_check_metrics_complete, change=change
    )


def project_cancel(*, actor, project: Project, reason: str) -> Project:
    """Office: the project stops, with the reason written down."""
    reason = _required(reason, _("Write why the project is cancelled."), "reason_required")
    return _project_transition(project, "cancel", actor=actor, comment=reason, change=_set_review_comment(reason))


# Every transition by name: the test matrix and the admin use this table.
TRANSITIONS = {
    "submit": project_submit,
    "return": project_return,
    "approve": project_approve,
    "start": project_start,
    "complete": project_complete,
    "cancel": project_cancel,
}


# --- notifications ----------------------------------------------------------------------


def _mail_body(project: Project, template: str, **context) -> str:
    """The body of a project e-mail from projects/email/<template>, with the
    absolute links (SITE_URL) to the project in the cabinet and in the back office."""
    return render_to_string(
        f"projects/email/{template}",
        {
            "project": project,
            "cabinet_url": absolute_url(reverse("projects:cabinet_project", args=[project.pk])),
            "admin_url": absolute_url(reverse("admin:projects_project_change", args=[project.pk])),
            **context,
        },
    )


def _notify_office(project: Project, *, subject: str, template: str, **context) -> None:
    body = _mail_body(project, template, **context)
    queue_email(to=conf.office_notification_email(), subject=subject, body=body)


def _notify_coordinators(project: Project, *, subject: str, template: str, **context) -> None:
    body = _mail_body(project, template, **context)
    User = get_user_model()
    ids = Membership.objects.filter(organization_id=project.organization_id, role=Role.COORDINATOR).values("user_id")
    addresses = set(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list("email", flat=True))
    if project.created_by_id and project.created_by.email and project.created_by.is_active:
        if is_coordinator_of(project.created_by, project.organization_id):
            addresses.add(project.created_by.email)
    if addresses:
        queue_email(to=sorted(addresses), subject=subject, body=body)


@transaction.atomic
def project_save_parts(*, actor, project: Project, metrics=None, team=None) -> None:
    """Save validated metric and team formsets of a project.

    The formsets decide which fields exist (the cabinet offers only «after»
    values once a project is approved); this checks the actor may write them."""
    require(actor, CHANGE, project)
    if metrics is not None and metrics.has_changed():
        plan_fields = {"name", "unit", "direction", "baseline_value", "baseline_date", "target_value"}
        touches_plan = bool(metrics.deleted_forms) or any(
            plan_fields & set(form.changed_data) for form in metrics.forms if form not in metrics.deleted_forms
        )
        if touches_plan and not can_edit_metric_plan(actor, project):
            raise PermissionDenied(gettext("The metrics of an approved project cannot be changed, only their results."))
        if not can_record_results(actor, project):
            raise PermissionDenied(gettext("This project cannot be changed now."))
        for form in metrics.forms:
            if form.has_changed() and form not in metrics.deleted_forms:
                form.instance.project = project
                form.instance.full_clean()
        metrics.instance = project
        metrics.save()
    if team is not None and team.has_changed():
        if not (is_office(actor) or (is_coordinator_of(actor, project.organization_id) and project.is_editable)):
            raise PermissionDenied(gettext("The team of an approved project cannot be changed."))
        team.instance = project
        team.save()
