"""The office's triage in the admin; nobody else gets in; exports and pages
never carry personal data to officials or coordinators."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from proposals.models import ProposalAttachment, Status
from proposals.services import proposal_answer
from tests.proposals.factories import ProposalFactory, png_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/proposals/proposal/"
PERSONAL = ("Анна Родительская", "@example.org", "111-22-33", "203.0.113.5")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_office_sees_the_queue_with_deadline_marks(office, school_a):
    today = timezone.localdate()
    overdue = ProposalFactory(organization=school_a, due_date=today - timedelta(days=1))
    soon = ProposalFactory(due_date=today + timedelta(days=2))
    later = ProposalFactory(due_date=today + timedelta(days=20))
    client = login(office)
    html = client.get(CHANGELIST).content.decode()
    assert overdue.number in html and soon.number in html and later.number in html
    assert "Просрочено" in html

    html = client.get(CHANGELIST + "?deadline=overdue").content.decode()
    assert overdue.number in html and soon.number not in html
    html = client.get(CHANGELIST + "?deadline=soon").content.decode()
    assert soon.number in html and overdue.number not in html and later.number not in html
    html = client.get(CHANGELIST + f"?organization__id__exact={school_a.pk}").content.decode()
    assert overdue.number in html and soon.number not in html
    html = client.get(CHANGELIST + "?status__exact=new&category__exact=food").content.decode()
    assert overdue.number in html


def test_queue_query_count_does_not_grow(office, school_a, django_assert_max_num_queries):
    client = login(office)
    ProposalFactory.create_batch(3, organization=school_a, assignee=office)
    with django_assert_max_num_queries(20) as small:
        client.get(CHANGELIST)
    ProposalFactory.create_batch(30, organization=school_a, assignee=office)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(CHANGELIST).status_code == 200


def test_office_answers_through_the_intermediate_page(office, django_capture_on_commit_callbacks):
    from django.core import mail

    proposal = ProposalFactory(publish_consent=True)
    client = login(office)
    change = client.get(f"{CHANGELIST}{proposal.pk}/change/").content.decode()
    assert f"/admin/proposals/proposal/{proposal.pk}/transition/answer/" in change
    url = f"{CHANGELIST}{proposal.pk}/transition/answer/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": ""}).status_code == 200  # required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "Меню публикуется с понедельника.", "publish": "on"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.ANSWERED and proposal.published
    assert mail.outbox[0].to == [proposal.email]


def test_rejection_in_the_admin_requires_a_reason(office):
    proposal = ProposalFactory()
    client = login(office)
    url = f"{CHANGELIST}{proposal.pk}/transition/reject/"
    assert client.post(url, {"reason": ""}).status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Status.NEW
    client.post(url, {"reason": "off_topic", "comment": "Это вопрос к администрации города."})
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED and proposal.reject_reason == "off_topic"


def test_bulk_reject_action_goes_through_a_page_with_the_reason(office):
    a, b = ProposalFactory(), ProposalFactory()
    client = login(office)
    response = client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [a.pk, b.pk]})
    assert response.status_code == 302
    page = response["Location"]
    assert client.get(page).status_code == 200
    client.post(page, {"reason": "spam"})
    assert {p.status for p in (a, b) for p in [type(a).objects.get(pk=p.pk)]} == {Status.REJECTED}


def test_convert_and_register_from_the_admin(office, school_b):
    proposal = ProposalFactory()
    client = login(office)
    client.post(f"{CHANGELIST}{proposal.pk}/transition/register/")
    proposal.refresh_from_db()
    assert proposal.status == Status.REGISTERED
    client.post(
        f"{CHANGELIST}{proposal.pk}/transition/convert/", {"organization": school_b.pk, "title": "Проект по справкам"}
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.CONVERTED and proposal.project.organization == school_b


def test_change_form_saves_assignee_and_notes(office):
    proposal = ProposalFactory()
    client = login(office)
    response = client.post(
        f"{CHANGELIST}{proposal.pk}/change/",
        {
            "category": "safety",
            "organization": "",
            "assignee": office.pk,
            "internal_notes": "Проверить на месте",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal.refresh_from_db()
    assert proposal.internal_notes == "Проверить на месте" and proposal.category == "safety"
    assert proposal.history.count() >= 2


def test_statistics_in_total_and_per_school(office, school_a, school_b):
    now = timezone.now()
    for days in (2, 4, 10):
        p = ProposalFactory(organization=school_a, created_at=now - timedelta(days=days))
        proposal_answer(actor=office, proposal=p, answer="Ответ")
    ProposalFactory(organization=school_b, due_date=timezone.localdate() - timedelta(days=1))
    response = login(office).get(CHANGELIST + "statistics/")
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.received, total.answered, total.median_days, total.overdue) == (4, 3, 4, 1)
    rows = {r.name: r for r in response.context["per_org"]}
    assert rows[school_a.short_name].answered == 3 and rows[school_b.short_name].overdue == 1


def export(client, fmt: int):
    return client.post(
        CHANGELIST + "export/",
        {"format": str(fmt), "resource": "0", **{f"proposalexportresource_{f}": "on" for f in FIELDS}},
    )


FIELDS = ["number", "received", "registered", "due", "answered", "status", "category", "organization", "days_to_answer"]


def test_csv_and_xlsx_export_without_personal_data(office, school_a):
    p = ProposalFactory(organization=school_a, created_at=timezone.now() - timedelta(days=5))
    proposal_answer(actor=office, proposal=p, answer="Ответ")
    client = login(office)
    choices = [label for _value, label in client.get(CHANGELIST + "export/").context["form"].fields["format"].choices]
    assert [c for c in choices if c != "---"] == ["xlsx", "csv"]
    response = export(client, 1)  # CSV
    assert response.status_code == 200, response.content.decode()[:2000]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Регистрационный номер"
    assert rows[1][0] == p.number and rows[1][-1] == "5" and rows[1][7] == school_a.short_name
    for secret in (*PERSONAL, p.text):
        assert secret not in text
    xlsx = export(client, 0)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("who", ["official", "regional_official", "coordinator_a"])
def test_officials_and_coordinators_get_nothing(request, who):
    user = request.getfixturevalue(who)
    proposal = ProposalFactory()
    attachment = ProposalAttachment(proposal=proposal, original_name="a.png", content_type="image/png", size=10)
    attachment.file.save("a.png", ContentFile(png_bytes()), save=False)
    attachment.save()
    client = login(user)
    for url in (
        CHANGELIST,
        f"{CHANGELIST}{proposal.pk}/change/",
        CHANGELIST + "export/",
        CHANGELIST + "statistics/",
        f"{CHANGELIST}{proposal.pk}/transition/answer/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert proposal.email not in response.content.decode()
    assert client.get(f"/proposals/attachments/{attachment.pk}/").status_code == 404
    assert not user.has_perm("proposals.view_proposal")


def test_officials_pages_carry_no_personal_data(official, coordinator_a, office, school_a):
    p = ProposalFactory(organization=school_a, publish_consent=True)
    proposal_answer(actor=office, proposal=p, answer="Ответ опубликован", publish=True)
    for user in (official, coordinator_a):
        client = login(user)
        for url in ("/", "/proposals/answered/", "/proposals/new/"):
            html = client.get(url).content.decode()
            for secret in PERSONAL:
                assert secret not in html, (user, url)


def test_attachment_download_only_for_office(office, client):
    proposal = ProposalFactory()
    attachment = ProposalAttachment(proposal=proposal, original_name="plan.png", content_type="image/png", size=10)
    attachment.file.save("plan.png", ContentFile(png_bytes()), save=False)
    attachment.save()
    url = f"/proposals/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    response = login(office).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert "attachment" in response["Content-Disposition"]
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - no public URL exists


def test_office_admin_can_see_the_queue_too(office_admin):
    ProposalFactory()
    assert login(office_admin).get(CHANGELIST).status_code == 200


def test_assignee_choices_are_office_staff_only(office, office_admin, official, coordinator_a):
    proposal = ProposalFactory()
    response = login(office).get(f"{CHANGELIST}{proposal.pk}/change/")
    choices = {u.username for u in response.context["adminform"].form.fields["assignee"].queryset}
    assert choices == {"office", "officeadmin"}


@pytest.mark.parametrize("url", ["/proposals/answered/", CHANGELIST + "statistics/"])
def test_list_pages_query_count_does_not_grow(url, office, school_a, django_assert_max_num_queries):
    client = login(office)

    def add(n):
        for _ in range(n):
            p = ProposalFactory(organization=school_a, publish_consent=True)
            proposal_answer(actor=office, proposal=p, answer="Ответ", publish=True)

    add(2)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_export_query_count_does_not_grow(office, school_a, django_assert_max_num_queries):
    client = login(office)
    ProposalFactory.create_batch(2, organization=school_a)
    with django_assert_max_num_queries(30) as small:
        assert export(client, 1).status_code == 200
    ProposalFactory.create_batch(30, organization=school_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert export(client, 1).status_code == 200


def test_publish_and_unpublish_from_the_admin(office):
    proposal = ProposalFactory(publish_consent=True)
    proposal_answer(actor=office, proposal=proposal, answer="Ответ")
    client = login(office)
    change = client.get(f"{CHANGELIST}{proposal.pk}/change/").content.decode()
    assert "/transition/publish/" in change and "/transition/unpublish/" not in change
    client.post(f"{CHANGELIST}{proposal.pk}/transition/publish/")
    proposal.refresh_from_db()
    assert proposal.published
    client.post(f"{CHANGELIST}{proposal.pk}/transition/unpublish/")
    proposal.refresh_from_db()
    assert not proposal.published


def proposal_with_file_and_mail():
    from pathlib import Path

    from leanedu.mail import queue_email

    proposal = ProposalFactory(email="parent@example.org")
    item = ProposalAttachment(proposal=proposal, original_name="plan.png", content_type="image/png", size=10)
    item.file.save("plan.png", ContentFile(png_bytes()), save=False)
    item.save()
    queue_email(to=proposal.email, subject=f"Ваше предложение {proposal.number} принято", body="Анна, …")
    return proposal, Path(item.file.path)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_proposal_in_the_admin_deletes_its_files_and_mail(office_admin):
    from leanedu.models import OutgoingEmail
    from proposals.models import Proposal

    proposal, path = proposal_with_file_and_mail()
    client = login(office_admin)
    response = client.post(f"{CHANGELIST}{proposal.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    assert not path.exists()
    assert not OutgoingEmail.objects.filter(to="parent@example.org").exists()

    second, second_path = proposal_with_file_and_mail()
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"})
    assert response.status_code == 302
    assert not second_path.exists()
    assert not OutgoingEmail.objects.filter(to="parent@example.org").exists()


def test_a_deletion_leaves_a_history_row_naming_who_deleted(office_admin):
    from proposals.models import Proposal
    from proposals.services import proposal_delete

    proposal = ProposalFactory()
    proposal_delete(actor=office_admin, proposal=proposal)
    last = Proposal.history.filter(id=proposal.pk).latest("history_date")
    assert (last.history_type, last.history_user, last.history_change_reason) == ("-", office_admin, "delete")


def test_office_staff_cannot_delete_proposals(office):
    from django.core.exceptions import PermissionDenied

    from proposals.services import proposal_delete

    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        proposal_delete(actor=office, proposal=proposal)


def test_attachments_go_through_the_private_storage_alias(office, client, settings):
    # What S3-compatible storage (or any other) gets when STORAGES["private"]
    # names it: the upload lands there and the office's download reads it back.
    from django.core.files.storage import InMemoryStorage, storages

    settings.STORAGES = {**settings.STORAGES, "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    private = storages["private"]
    assert isinstance(private, InMemoryStorage)
    proposal = ProposalFactory()
    attachment = ProposalAttachment(proposal=proposal, original_name="plan.png", content_type="image/png", size=10)
    attachment.file.save("plan.png", ContentFile(png_bytes()), save=False)
    attachment.save()
    assert private.exists(attachment.file.name)
    response = login(office).get(f"/proposals/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
