"""On submit: number, secret status link, confirmation page, e-mail."""

from __future__ import annotations

import re
import socket

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leanedu.models import OutgoingEmail
from proposals.models import Proposal, Status, hash_token
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

URL = "/proposals/new/"


def submit(client, form_data, capture, **overrides):
    with capture(execute=True):
        response = client.post(URL, form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def status_link_from_mail() -> str:
    (message,) = mail.outbox
    site = re.escape(settings.SITE_URL)
    return re.search(site + r"(/proposals/status/[^/\s]+/)", message.body).group(1)


def test_submit_gives_a_number_a_secret_link_and_an_email(client, form_data, django_capture_on_commit_callbacks):
    response = submit(client, form_data, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get()
    year = timezone.localdate().year
    assert proposal.number == f"РВ-{year}-00001"
    assert proposal.status == Status.NEW
    assert (proposal.due_date - timezone.localdate(proposal.created_at)).days == 30

    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert proposal.number in html
    link = status_link_from_mail()
    assert link in html
    (message,) = mail.outbox
    assert message.to == ["anna.parent@example.org"]
    assert proposal.number in message.subject and proposal.number in message.body
    # the token itself is not stored, only its hash
    token = link.split("/")[-2]
    assert len(token) >= 43
    assert proposal.token_hash == hash_token(token) and token not in proposal.token_hash


def test_numbers_are_consecutive(client_ip, form_data, django_capture_on_commit_callbacks):
    for i in range(3):
        submit(client_ip(f"198.51.100.{i + 1}"), form_data, django_capture_on_commit_callbacks)
    year = timezone.localdate().year
    assert list(Proposal.objects.order_by("number").values_list("number", flat=True)) == [
        f"РВ-{year}-00001",
        f"РВ-{year}-00002",
        f"РВ-{year}-00003",
    ]


def test_status_page_shows_status_dates_and_answer_but_no_personal_data(
    client, form_data, django_capture_on_commit_callbacks, office
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.services import proposal_answer
    from tests.proposals.factories import png_bytes

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**form_data(), "attachments": [SimpleUploadedFile("plan-secret.png", png_bytes())]})
    link = status_link_from_mail()
    proposal = Proposal.objects.get()
    proposal_answer(actor=office, proposal=proposal, answer="Второй терминал установлен.")

    html = client.get(link).content.decode()
    assert proposal.number in html
    assert "Дан ответ" in html
    assert "Второй терминал установлен." in html
    for secret in ("Анна Иванова", "anna.parent@example.org", "345-67-89", "plan-secret", "127.0.0.1"):
        assert secret not in html


def test_wrong_token_is_a_404(client):
    ProposalFactory()
    assert client.get("/proposals/status/not-the-token/").status_code == 404
    assert client.get("/proposals/status/" + "x" * 43 + "/").status_code == 404
    assert client.get("/proposals/status/" + "x" * 500 + "/").status_code == 404


def test_tokens_are_long_random_and_a_near_miss_is_a_404(client):
    from proposals.services import proposal_submit

    tokens = []
    for i in range(20):
        submitted = proposal_submit(
            author_name="Автор",
            email=f"a{i}@example.org",
            author_role="parent",
            category="food",
            text="Предложение для проверки ссылок.",
        )
        tokens.append(submitted.token)
    assert len(set(tokens)) == 20
    # 32 random bytes: 43 URL-safe characters, 256 bits — not guessable, not derived from the number
    assert all(len(t) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)
    assert client.get(f"/proposals/status/{tokens[0]}/").status_code == 200
    near_miss = tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B")
    assert client.get(f"/proposals/status/{near_miss}/").status_code == 404


def test_confirmation_page_without_a_submission_goes_to_the_form(client):
    response = client.get("/proposals/new/thanks/")
    assert response.status_code == 302 and response["Location"] == "/proposals/new/"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_broken_mail_server_keeps_the_proposal_and_the_mail_is_sent_later(
    client, form_data, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    response = submit(client, form_data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    proposal = Proposal.objects.get()  # the proposal is kept
    stored = OutgoingEmail.objects.get()
    assert stored.status == OutgoingEmail.Status.PENDING and stored.attempts == 1
    assert proposal.number in stored.subject

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    call_command("send_pending_mail", "--all")
    stored.refresh_from_db()
    assert stored.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["anna.parent@example.org"]]


def test_personal_data_is_not_logged(client, form_data, caplog, django_capture_on_commit_callbacks):
    import logging

    with caplog.at_level(logging.DEBUG):
        submit(client, form_data, django_capture_on_commit_callbacks)
    for secret in ("Анна Иванова", "anna.parent@example.org", "345-67-89"):
        assert secret not in caplog.text


def test_confirmation_travels_in_a_signed_cookie_not_a_database_session(
    client, form_data, django_capture_on_commit_callbacks
):
    from django.contrib.sessions.models import Session

    response = submit(client, form_data, django_capture_on_commit_callbacks)
    cookie = response.cookies["proposal_submitted"]
    assert cookie["httponly"] and cookie["path"] == "/proposals/new/thanks/" and cookie["samesite"] == "Lax"
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies
    number = Proposal.objects.get().number
    assert number in client.get(response["Location"]).content.decode()

    forged = response.cookies["proposal_submitted"].value.replace("0000", "0001")
    client.cookies["proposal_submitted"] = forged  # another number: the signature no longer matches
    assert client.get("/proposals/new/thanks/")["Location"] == URL


def test_choice_lists_are_cached_until_an_organisation_changes(client, school_a, school_b, municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SchoolFactory

    client.get(URL, {"municipality": municipality.pk})
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL, {"municipality": municipality.pk}).content.decode()
    assert school_a.short_name in html
    assert not any("leanedu_organization" in q["sql"] for q in ctx.captured_queries)
    new_school = SchoolFactory(short_name="МОУ «СОШ № 77»", parent=municipality)
    assert new_school.short_name in client.get(URL, {"municipality": municipality.pk}).content.decode()


def test_the_links_follow_the_setting_not_the_request(client, settings, form_data, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://lean.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(), HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    (message,) = mail.outbox
    (link,) = re.findall(r"https?://\S+", message.body)
    assert link.startswith("https://lean.example.org/proposals/status/")
    thanks = client.get(response["Location"]).content.decode()
    assert link.removeprefix("https://lean.example.org") in thanks  # the same status page, at the visitor's address


def test_the_cached_empty_form_gives_every_visitor_their_own_token_and_time_stamp(
    school_a, municipality, form_data, django_capture_on_commit_callbacks, settings
):
    from django.test import Client

    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    hidden = re.compile(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"')
    visitors = [Client(enforce_csrf_checks=True, REMOTE_ADDR=f"198.51.100.{i}") for i in (21, 22)]
    pages = [visitor.get(URL, {"municipality": municipality.pk}) for visitor in visitors]
    fields = [dict(hidden.findall(page.content.decode())) for page in pages]
    assert fields[0]["csrfmiddlewaretoken"] != fields[1]["csrfmiddlewaretoken"]
    assert fields[0]["started"] != fields[1]["started"]
    for page in pages:  # the page around it is the same, school list included
        assert school_a.short_name in page.content.decode()
        assert "slotQx7fK2" not in page.content.decode()
    for visitor, values in zip(visitors, fields, strict=True):
        submit(visitor, form_data, django_capture_on_commit_callbacks, **values)
    assert Proposal.objects.count() == 2


def _hidden(html: str) -> dict:
    return dict(re.findall(r'name="(csrfmiddlewaretoken|started|next)" value="([^"]*)"', html))


def test_the_shared_form_page_keeps_each_visitors_settings_address_and_token(
    school_a, municipality, form_data, django_capture_on_commit_callbacks
):
    """The whole form page is shared by visitors without a session: one with
    the version for the visually impaired switched on still gets its panel, the
    address it came from and tokens of its own that the site accepts."""
    from django.test import Client

    plain = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.31")
    impaired = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.32")
    impaired.cookies["a11y"] = "1:2:1:0"
    for _round in range(2):  # the second round comes from the cache
        for query in ({}, {"municipality": municipality.pk}):
            page = plain.get(URL, query).content.decode()
            assert "a11y-panel" not in page and 'class="a11y' not in page
            chosen = impaired.get(URL, query).content.decode()
            assert "a11y-panel" in chosen and "a11y-text-2" in chosen
            address = f"{URL}?municipality={municipality.pk}" if query else URL
            assert _hidden(chosen)["next"] == _hidden(page)["next"] == address
            assert "slotQx7fK2" not in page + chosen
    assert school_a.short_name in chosen
    for visitor, html in ((plain, page), (impaired, chosen)):
        values = _hidden(html)
        submit(visitor, form_data, django_capture_on_commit_callbacks, **values)
    assert Proposal.objects.count() == 2
    # The panel's own form posts with the visitor's token too.
    response = impaired.post(
        "/accessibility/", {"csrfmiddlewaretoken": _hidden(chosen)["csrfmiddlewaretoken"], "action": "off", "next": URL}
    )
    assert response.status_code == 302


def test_the_form_page_of_a_signed_in_user_or_with_a_message_is_their_own(client, office, municipality):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse
    from django.test import Client

    Client().get(URL)  # an anonymous visitor's page is in the cache now
    client.force_login(office)
    assert (office.get_full_name() or office.get_username()) in client.get(URL).content.decode()

    storage = CookieStorage(HttpRequest())
    storage.add(messages.INFO, "Сообщение для этого посетителя")
    response = HttpResponse()
    storage.update(response)
    visitor = Client()
    visitor.cookies["messages"] = response.cookies["messages"].value
    assert "Сообщение для этого посетителя" in visitor.get(URL).content.decode()
    assert "Сообщение для этого посетителя" not in Client().get(URL).content.decode()


def test_any_other_address_gets_its_own_page(client):
    html = client.get(URL, {"utm_source": "newsletter"}).content.decode()
    assert _hidden(html)["next"] == f"{URL}?utm_source=newsletter"
    assert _hidden(client.get(URL).content.decode())["next"] == URL


def test_the_shared_confirmation_page_shows_each_visitor_their_own_number_and_link(
    form_data, django_capture_on_commit_callbacks
):
    from django.test import Client

    visitors = [Client(REMOTE_ADDR=f"198.51.100.{i}") for i in (41, 42, 43)]
    visitors[2].cookies["a11y"] = "1:1:0:0"
    pages, links = [], []
    for visitor in visitors:
        mail.outbox = []
        response = submit(visitor, form_data, django_capture_on_commit_callbacks)
        links.append(status_link_from_mail())
        pages.append(visitor.get(response["Location"]).content.decode())
    numbers = list(Proposal.objects.order_by("number").values_list("number", flat=True))
    for i, page in enumerate(pages):
        assert numbers[i] in page and links[i] in page
        assert all(numbers[j] not in page and links[j] not in page for j in range(3) if j != i)
        assert "slotQx7fK2" not in page
    assert "a11y-panel" in pages[2] and "a11y-panel" not in pages[0] + pages[1]
