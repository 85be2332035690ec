"""Transitions: source state, actor, reason, history, e-mail, the project link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import Project, ProjectStatus
from proposals import services
from proposals.models import RejectReason, Status
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_register_take_in_work_answer(office, django_capture_on_commit_callbacks):
    proposal = ProposalFactory()
    proposal = services.proposal_register(actor=office, proposal=proposal)
    assert proposal.status == Status.REGISTERED and proposal.registered_at
    proposal = services.proposal_take_in_work(actor=office, proposal=proposal)
    assert proposal.status == Status.IN_WORK and proposal.assignee == office
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_answer(actor=office, proposal=proposal, answer="Сделано.", publish=True)
    assert proposal.status == Status.ANSWERED and proposal.answered_at and proposal.closed_at
    assert proposal.published is False  # the author did not agree to publication
    assert [m.to for m in mail.outbox] == [[proposal.email]]
    assert "Сделано." in mail.outbox[0].body
    history = list(proposal.history.order_by("history_date").values_list("status", flat=True))
    assert history == ["new", "registered", "in_work", "answered"]


def test_history_keeps_no_personal_data(office):
    proposal = ProposalFactory()
    services.proposal_register(actor=office, proposal=proposal)
    record = proposal.history.latest()
    field_names = {f.name for f in record._meta.fields}
    assert not field_names & {"author_name", "email", "phone", "submitted_ip", "consent_ip"}


def test_published_only_with_the_authors_consent(office):
    agreed = ProposalFactory(publish_consent=True)
    services.proposal_answer(actor=office, proposal=agreed, answer="Ответ", publish=True)
    agreed.refresh_from_db()
    assert agreed.published is True


@pytest.mark.parametrize("who", ["official", "coordinator_a", "anonymous"])
def test_only_the_office_may_change_status(request, who):
    actor = request.getfixturevalue(who)
    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_register(actor=actor, proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.proposal_answer(actor=actor, proposal=proposal, answer="x")
    proposal.refresh_from_db()
    assert proposal.status == Status.NEW


def test_source_state_is_checked(office):
    proposal = ProposalFactory()
    services.proposal_answer(actor=office, proposal=proposal, answer="Ответ")
    with pytest.raises(ValidationError):
        services.proposal_register(actor=office, proposal=proposal)
    with pytest.raises(ValidationError):
        services.proposal_reject(actor=office, proposal=proposal, reason=RejectReason.SPAM)


def test_answer_is_required(office):
    with pytest.raises(ValidationError):
        services.proposal_answer(actor=office, proposal=ProposalFactory(), answer="   ")


def test_rejection_needs_a_reason_and_a_duplicate_its_original(office, django_capture_on_commit_callbacks):
    original = ProposalFactory()
    proposal = ProposalFactory()
    with pytest.raises(ValidationError):
        services.proposal_reject(actor=office, proposal=proposal, reason="")
    with pytest.raises(ValidationError):
        services.proposal_reject(actor=office, proposal=proposal, reason=RejectReason.DUPLICATE)
    with pytest.raises(ValidationError):
        services.proposal_reject(
            actor=office, proposal=proposal, reason=RejectReason.DUPLICATE, duplicate_of_number="РВ-1999-00001"
        )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_reject(
            actor=office, proposal=proposal, reason=RejectReason.DUPLICATE, duplicate_of_number=original.number
        )
    assert proposal.status == Status.REJECTED and proposal.duplicate_of == original
    assert original.number in mail.outbox[0].body


def test_spam_gets_no_email(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(actor=office, proposal=ProposalFactory(), reason=RejectReason.SPAM)
    assert mail.outbox == []


def test_convert_makes_a_draft_project_linked_both_ways(office, school_b):
    proposal = ProposalFactory(text="Справки выдают неделю; выдавать в день обращения.")
    proposal = services.proposal_convert(
        actor=office, proposal=proposal, organization=school_b, title="Выдача справок в день обращения"
    )
    project = Project.objects.get()
    assert proposal.status == Status.CONVERTED and proposal.project == project
    assert project.organization == school_b and project.status == ProjectStatus.DRAFT
    assert list(project.proposals.all()) == [proposal]
    assert project.created_by == office
    assert project.problem == "Справки выдают неделю; выдавать в день обращения."


def test_triage_fields_are_saved_through_the_service(office, school_b):
    proposal = ProposalFactory()
    services.proposal_update_triage(
        actor=office, proposal=proposal, assignee=office, internal_notes="Позвонить директору", organization=school_b
    )
    proposal.refresh_from_db()
    assert proposal.assignee == office and proposal.internal_notes == "Позвонить директору"


def test_publication_can_be_withdrawn_and_needs_consent(office):
    agreed = ProposalFactory(publish_consent=True)
    services.proposal_answer(actor=office, proposal=agreed, answer="Ответ", publish=False)
    agreed = services.proposal_set_published(actor=office, proposal=agreed, published=True)
    assert agreed.published
    agreed = services.proposal_set_published(actor=office, proposal=agreed, published=False)
    assert not agreed.published
    refused = ProposalFactory(publish_consent=False)
    services.proposal_answer(actor=office, proposal=refused, answer="Ответ")
    with pytest.raises(ValidationError):
        services.proposal_set_published(actor=office, proposal=refused, published=True)


def test_a_project_made_from_a_proposal_shows_it_in_the_cabinet_and_the_back_office(
    client, office, school_b, coordinator_b
):
    from django.urls import reverse

    proposal = ProposalFactory(text="Справки выдают неделю; выдавать в день обращения.", email="author@example.org")
    services.proposal_convert(actor=office, proposal=proposal, organization=school_b, title="Справки в день обращения")
    project = Project.objects.get()
    client.force_login(coordinator_b)
    html = client.get(reverse("projects:cabinet_project", args=[project.pk])).content.decode()
    assert proposal.number in html and "Справки выдают неделю" in html
    assert "author@example.org" not in html  # never the author's details
    assert reverse("admin:proposals_proposal_change", args=[proposal.pk]) not in html
    client.force_login(office)
    html = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert reverse("admin:proposals_proposal_change", args=[proposal.pk]) in html
    assert proposal.number in html and "Справки выдают неделю" in html
