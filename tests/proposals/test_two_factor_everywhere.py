"""With ADMIN_REQUIRE_2FA on, a password alone opens no personal data: not the
proposal attachments, not the reports, not the coordinator's area — only
/admin/ used to ask for the code."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from proposals.models import ProposalAttachment
from tests.proposals.factories import ProposalFactory, png_bytes

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def attachment_url():
    proposal = ProposalFactory()
    item = ProposalAttachment(proposal=proposal, original_name="plan.png", content_type="image/png", size=10)
    item.file.save("plan.png", ContentFile(png_bytes()), save=False)
    item.save()
    return f"/proposals/attachments/{item.pk}/"


PERSONAL_PAGES = ["/reports/", "/reports/values.csv?period=1", "/cabinet/", "/indicators/entry/"]


def test_a_password_alone_opens_no_attachment_and_no_report(settings, office, attachment_url):
    settings.ADMIN_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=office, name="телефон")
    client = signed_in_with_password("office")
    for url in [attachment_url, *PERSONAL_PAGES]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/verify/"), url
    # public pages stay open, and so does the way out
    assert client.get("/privacy/").status_code == 200
    # a wrong code does not open them
    page = client.post("/accounts/verify/", {"otp_token": "000000", "next": attachment_url})
    assert "неверен" in page.content.decode()
    assert client.get(attachment_url).status_code == 302
    # the right code does (once the throttle after the wrong one has passed) and goes on to the file
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/accounts/verify/", {"otp_token": current_code(device), "next": attachment_url})
    assert response.status_code == 302
    assert response["Location"] == attachment_url
    download = client.get(attachment_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()
    assert client.get("/reports/").status_code == 200


def test_the_code_page_asks_in_russian(settings, office, attachment_url):
    settings.ADMIN_REQUIRE_2FA = True
    TOTPDevice.objects.create(user=office, name="телефон")
    client = signed_in_with_password("office")
    page = client.get(client.get(attachment_url)["Location"])
    assert page.status_code == 200
    assert "Одноразовый код" in page.content.decode()


def test_without_an_enrolled_app_the_user_is_told_whom_to_ask(settings, official):
    settings.ADMIN_REQUIRE_2FA = True
    client = signed_in_with_password("official")
    page = client.get("/accounts/verify/?next=/reports/")
    assert page.status_code == 403
    assert "администратор" in page.content.decode()
    assert client.get("/reports/").status_code == 302


def test_without_the_setting_a_password_is_enough(settings, office, attachment_url):
    settings.ADMIN_REQUIRE_2FA = False
    client = signed_in_with_password("office")
    assert client.get(attachment_url).status_code == 200
    assert client.get("/reports/").status_code == 200


def test_an_unverified_session_cannot_export_from_the_back_office(settings, office):
    settings.ADMIN_REQUIRE_2FA = True
    TOTPDevice.objects.create(user=office, name="телефон")
    client = signed_in_with_password("office")
    assert client.get("/admin/proposals/proposal/export/").status_code == 302
