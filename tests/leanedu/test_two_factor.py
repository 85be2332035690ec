"""Two-factor sign-in to the back office (ADMIN_REQUIRE_2FA)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def two_factor(settings):
    settings.ADMIN_REQUIRE_2FA = True


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_password_alone_does_not_open_the_back_office(client, office, two_factor):
    TOTPDevice.objects.create(user=office, name="телефон")
    response = client.post("/admin/login/", {"username": "office", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200
    assert "одноразовый код" in response.content.decode().lower()
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_is_refused(client, office, two_factor):
    TOTPDevice.objects.create(user=office, name="телефон")
    response = client.post("/admin/login/", {"username": "office", "password": PASSWORD, "otp_token": "000000"})
    assert "неверен" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_password_and_current_code_open_the_back_office(client, office, two_factor):
    device = TOTPDevice.objects.create(user=office, name="телефон")
    response = client.post(
        "/admin/login/",
        {"username": "office", "password": PASSWORD, "otp_token": current_code(device), "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_without_the_setting_a_password_is_enough(client, office, settings):
    settings.ADMIN_REQUIRE_2FA = False
    client.post("/admin/login/", {"username": "office", "password": PASSWORD, "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_the_administrator_enrols_devices_with_a_qr_code(client, office_admin, office):
    device = TOTPDevice.objects.create(user=office, name="телефон", confirmed=False)
    client.force_login(office_admin)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 200
    qr = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr.status_code == 200
    assert qr["Content-Type"].startswith("image/svg")
