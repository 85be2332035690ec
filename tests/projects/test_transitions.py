"""The workflow: every role × every transition, allowed and refused; the
source-status rules; what submit and complete demand; the e-mails."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import ProjectStatus, ProjectTransition
from projects.services import (
    TRANSITIONS,
    TransitionError,
    project_create_draft,
    project_submit,
    project_update,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# transition → (source statuses, target status, who may do it)
RULES = {
    "submit": ([ProjectStatus.DRAFT, ProjectStatus.RETURNED], ProjectStatus.SUBMITTED, {"coordinator_a"}),
    "return": ([ProjectStatus.SUBMITTED], ProjectStatus.RETURNED, {"office", "office_admin"}),
    "approve": ([ProjectStatus.SUBMITTED], ProjectStatus.APPROVED, {"office", "office_admin"}),
    "start": ([ProjectStatus.APPROVED], ProjectStatus.IN_PROGRESS, {"office", "office_admin"}),
    "complete": ([ProjectStatus.IN_PROGRESS], ProjectStatus.COMPLETED, {"office", "office_admin"}),
    "cancel": (
        [
            ProjectStatus.DRAFT,
            ProjectStatus.SUBMITTED,
            ProjectStatus.RETURNED,
            ProjectStatus.APPROVED,
            ProjectStatus.IN_PROGRESS,
        ],
        ProjectStatus.CANCELLED,
        {"office", "office_admin"},
    ),
}
ROLES = ["coordinator_a", "coordinator_b", "official", "regional_official", "office", "office_admin", "anonymous"]


def run(name, actor, project):
    kwargs = {"actor": actor, "project": project}
    if name == "return":
        kwargs["comment"] = "Уточните цель."
    if name == "cancel":
        kwargs["reason"] = "Организация закрыта на ремонт."
    return TRANSITIONS[name](**kwargs)


def prepared(project_in, status):
    project = project_in(status)
    if status == ProjectStatus.IN_PROGRESS:
        project.metrics.update(actual_value=Decimal("29"))
    return project


def test_the_rules_cover_every_transition():
    assert set(RULES) == set(TRANSITIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(RULES))
def test_transition_matrix(request, project_in, name, role):
    sources, target, allowed = RULES[name]
    actor = request.getfixturevalue(role)
    for source in sources:
        project = prepared(project_in, source)
        if role in allowed:
            run(name, actor, project)
            project.refresh_from_db()
            assert project.status == target
            log = project.transitions.get()
            assert (log.from_status, log.to_status, log.actor_id) == (source, target, actor.pk)
        else:
            with pytest.raises(PermissionDenied):
                run(name, actor, project)
            project.refresh_from_db()
            assert project.status == source
            assert not project.transitions.exists()


@pytest.mark.parametrize("name", list(RULES))
def test_no_step_can_be_skipped(request, project_in, name):
    sources, _target, allowed = RULES[name]
    actor = request.getfixturevalue(sorted(allowed)[0])
    for status in set(ProjectStatus) - set(sources):
        project = prepared(project_in, status)
        with pytest.raises(TransitionError):
            run(name, actor, project)
        project.refresh_from_db()
        assert project.status == status


def test_submit_lists_everything_that_is_missing(school_a, coordinator_a):
    project = ProjectFactory(organization=school_a)
    with pytest.raises(ValidationError) as exc:
        project_submit(actor=coordinator_a, project=project)
    text = " ".join(exc.value.messages)
    for expected in ("проблема", "цель", "руководитель проекта", "даты", "показатель"):
        assert expected in text, text
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_submit_needs_a_metric_with_before_and_goal(project_in, coordinator_a):
    project = project_in()
    project.metrics.update(target_value=None)
    with pytest.raises(ValidationError, match="показатель"):
        project_submit(actor=coordinator_a, project=project)


def test_return_needs_a_comment(project_in, office):
    project = project_in(ProjectStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        TRANSITIONS["return"](actor=office, project=project, comment="  ")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_cancel_needs_a_reason(project_in, office):
    project = project_in(ProjectStatus.APPROVED)
    with pytest.raises(ValidationError):
        TRANSITIONS["cancel"](actor=office, project=project, reason="")


def test_complete_needs_every_after_value(project_in, office):
    project = project_in(ProjectStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="стало"):
        TRANSITIONS["complete"](actor=office, project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS


def test_return_keeps_the_comment_for_the_coordinator(project_in, office):
    project = project_in(ProjectStatus.SUBMITTED)
    TRANSITIONS["return"](actor=office, project=project, comment="Добавьте хронометраж.")
    project.refresh_from_db()
    assert project.review_comment == "Добавьте хронометраж."
    assert ProjectTransition.objects.get(project=project).comment == "Добавьте хронометраж."
    assert project.history.first().status == ProjectStatus.RETURNED


def test_submit_emails_the_office(project_in, coordinator_a, settings, django_capture_on_commit_callbacks):
    settings.OFFICE_EMAIL = "office@troitsk.example"
    project = project_in()
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(actor=coordinator_a, project=project)
    assert [m.to for m in mail.outbox] == [["office@troitsk.example"]]
    assert project.title in mail.outbox[0].subject


@pytest.mark.parametrize("name", ["return", "approve"])
def test_office_decisions_email_the_coordinators(
    project_in, office, coordinator_a, coordinator_b, name, django_capture_on_commit_callbacks
):
    project = project_in(ProjectStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        run(name, office, project)
    recipients = {address for m in mail.outbox for address in m.to}
    assert recipients == {coordinator_a.email}
    if name == "return":
        assert "Уточните цель." in mail.outbox[0].body


def test_the_cancellation_letter_tells_the_coordinators_why(
    project_in, office, coordinator_a, django_capture_on_commit_callbacks
):
    project = project_in(ProjectStatus.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        TRANSITIONS["cancel"](actor=office, project=project, reason="Организация закрыта на ремонт.")
    assert [m.to for m in mail.outbox] == [[coordinator_a.email]]
    assert "Организация закрыта на ремонт." in mail.outbox[0].body


def test_coordinator_cannot_edit_once_submitted(project_in, coordinator_a):
    project = project_in(ProjectStatus.SUBMITTED)
    with pytest.raises(TransitionError):
        project_update(actor=coordinator_a, project=project, title="Другое")


def test_coordinator_records_only_results_once_approved(project_in, coordinator_a):
    project = project_in(ProjectStatus.APPROVED)
    project_update(actor=coordinator_a, project=project, results="Провели 5S.")
    with pytest.raises(PermissionDenied):
        project_update(actor=coordinator_a, project=project, goal="Другая цель")


def test_other_coordinator_cannot_edit(project_in, coordinator_b):
    with pytest.raises(PermissionDenied):
        project_update(actor=coordinator_b, project=project_in(), title="Чужой")


def test_create_draft_contract(school_a, coordinator_a, coordinator_b, office):
    project = project_create_draft(actor=coordinator_a, organization=school_a, title="Очередь", problem="Долго")
    assert (project.status, project.problem, project.created_by) == (ProjectStatus.DRAFT, "Долго", coordinator_a)
    assert project_create_draft(actor=office, organization=school_a, title="Из предложения").pk
    with pytest.raises(PermissionDenied):
        project_create_draft(actor=coordinator_b, organization=school_a, title="Чужой")


def test_tool_changes_are_in_the_history(project_in, coordinator_a):
    from tests.projects.factories import LeanToolFactory

    project = project_in()
    five_s = LeanToolFactory(name="5S")
    project_update(actor=coordinator_a, project=project, tools=[five_s], title="С инструментом")
    latest = project.history.first()
    assert latest.title == "С инструментом"
    assert [t.leantool.name for t in latest.tools.all()] == ["5S"]


def test_completing_closes_the_stages(project_in, office):
    """«Завершён · Этап: Диагностика» no more: completion moves the stage to «Закрепление результатов»."""
    from projects.models import ProjectStage

    project = project_in(ProjectStatus.IN_PROGRESS, stage=ProjectStage.DIAGNOSTICS)
    project.metrics.update(actual_value=1)
    TRANSITIONS["complete"](actor=office, project=project)
    project.refresh_from_db()
    assert (project.status, project.stage) == (ProjectStatus.COMPLETED, ProjectStage.CONSOLIDATION)


def test_completing_keeps_replication(project_in, office):
    from projects.models import ProjectStage

    project = project_in(ProjectStatus.IN_PROGRESS, stage=ProjectStage.REPLICATION)
    project.metrics.update(actual_value=1)
    TRANSITIONS["complete"](actor=office, project=project)
    project.refresh_from_db()
    assert project.stage == ProjectStage.REPLICATION
