"""The public form: every field's validation, consent, abuse protection, files."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from proposals.forms import sign_started
from proposals.models import Proposal, ProposalAttachment
from tests.proposals.factories import (
    ProposalFactory,
    elf_bytes,
    jpeg_with_exif,
    pdf_bytes,
    png_bytes,
    windows_exe_bytes,
)

pytestmark = pytest.mark.django_db

URL = "/proposals/new/"


def stored_files(settings) -> list[Path]:
    root = Path(settings.PROPOSALS_FILES_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client, data, **kwargs):
    return client.post(URL, data, **kwargs)


def test_form_page_explains_and_links(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "59-ФЗ" in html
    assert 'href="https://pos.gosuslugi.ru/"' in html
    assert 'href="/privacy/"' in html
    assert "152-ФЗ" in html
    # the honeypot: hidden by a class, out of the tab order and autofill
    assert 'class="rv-trap" aria-hidden="true"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "style=" not in html and "<script" not in html


def test_a_valid_proposal_is_stored(client, form_data, school_a):
    response = post(client, form_data())
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.author_name == "Анна Иванова"
    assert proposal.organization == school_a
    assert proposal.publish_consent is True
    assert proposal.consent_version == "2026-01"
    assert proposal.consent_ip == "127.0.0.1" and proposal.consent_at is not None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("author_name", "", "Обязательное поле"),
        ("author_name", "А" * 201, "не более 200"),
        ("email", "", "Обязательное поле"),
        ("email", "not-an-email", "адрес электронной почты"),
        ("phone", "позвоните мне", "номер телефона"),
        ("author_role", "", "Обязательное поле"),
        ("author_role", "director", "Выберите корректный вариант"),
        ("organization", "999999", "Выберите корректный вариант"),
        ("category", "", "Обязательное поле"),
        ("category", "weather", "Выберите корректный вариант"),
        ("text", "", "Обязательное поле"),
        ("text", "Коротко", "не менее 10"),
        ("text", "Б" * 5001, "не более 5000"),
        ("consent_personal_data", None, "Без этого согласия"),
    ],
)
def test_each_field_is_validated_and_the_error_is_linked(client, form_data, field, value, message):
    response = post(client, form_data(**{field: value}))
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    html = response.content.decode()
    assert message in html
    errors = response.context["form"].errors
    assert list(errors) == [field]
    # announced in the summary and tied to the field
    assert 'role="alert"' in html
    field_id = f"id_{field}"
    assert f'href="#{field_id}' in html
    assert f'id="{field_id}_error"' in html
    # Django's ARIA: the field (the radio group's fieldset) is described by its error
    assert re.search(rf'aria-describedby="[^"]*\b{field_id}_error\b', html)
    if field != "author_role":
        assert 'aria-invalid="true"' in html


def test_phone_and_organisation_are_optional_and_publication_consent_too(client, form_data):
    response = post(client, form_data(phone="", organization="", consent_publish=None))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.phone == "" and proposal.organization is None and proposal.publish_consent is False


def test_text_of_exactly_10_and_5000_characters_is_accepted(client, form_data):
    assert post(client, form_data(text="Ж" * 10)).status_code == 302
    assert post(client, form_data(text="Ж" * 5000, email="b@example.org")).status_code == 302
    assert Proposal.objects.count() == 2


def test_consent_to_personal_data_is_required(client, form_data):
    response = post(client, form_data(consent_personal_data=None))
    assert "consent_personal_data" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_filled_honeypot_stores_nothing(client, form_data):
    response = post(client, form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert mail.outbox == []


def test_form_sent_too_fast_is_refused_and_can_be_sent_again(client, form_data, settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 5
    response = post(client, form_data())
    assert response.status_code == 200
    assert "слишком быстро" in response.content.decode()
    assert not Proposal.objects.exists()
    # a person who waited: a form shown 6 seconds ago passes
    response = post(client, form_data(started=sign_started(time.time() - 6)))
    assert response.status_code == 302
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("started", ["", "12345", "forged:value"])
def test_missing_or_forged_time_stamp_is_refused(client, form_data, started):
    response = post(client, form_data(started=started))
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_rate_limit_per_address_with_a_clear_message(client_ip, form_data, settings):
    settings.PROPOSALS_RATE_LIMIT_PER_HOUR = 3
    sender = client_ip("198.51.100.7")
    for i in range(3):
        assert post(sender, form_data(email=f"p{i}@example.org")).status_code == 302
    response = post(sender, form_data(email="p4@example.org"))
    assert response.status_code == 429
    assert "Слишком много предложений" in response.content.decode()
    assert Proposal.objects.count() == 3
    # another address is not affected
    assert post(client_ip("198.51.100.8"), form_data()).status_code == 302


def test_rate_limit_counts_only_the_last_hour(client_ip, form_data, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PROPOSALS_RATE_LIMIT_PER_HOUR = 1
    ProposalFactory(submitted_ip="198.51.100.9", created_at=timezone.now() - timedelta(hours=2))
    assert post(client_ip("198.51.100.9"), form_data()).status_code == 302


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_attachments_are_stored_privately_and_exif_is_stripped(client, form_data, settings):
    original = jpeg_with_exif()
    assert b"SecretCameraMaker" in original
    files = [upload("photo.jpg", original, "image/jpeg"), upload("plan.png", png_bytes()), upload("a.pdf", pdf_bytes())]
    response = post(client, {**form_data(), "attachments": files})
    assert response.status_code == 302
    attachments = list(ProposalAttachment.objects.order_by("pk"))
    assert [a.content_type for a in attachments] == ["image/jpeg", "image/png", "application/pdf"]
    jpeg = attachments[0].file.open("rb").read()
    attachments[0].file.close()
    assert b"SecretCameraMaker" not in jpeg and b"Exif" not in jpeg
    assert Image.open(io.BytesIO(jpeg)).getexif() == {}
    # stored outside MEDIA_ROOT, in the private directory
    assert all(str(p).startswith(settings.PROPOSALS_FILES_ROOT) for p in stored_files(settings))
    assert len(stored_files(settings)) == 3


@pytest.mark.parametrize(
    "files, message",
    [
        ([("photo.jpg", elf_bytes())], "не JPEG, PNG или PDF"),
        ([("document.pdf", windows_exe_bytes())], "не JPEG, PNG или PDF"),
        (
            [("a.jpg", png_bytes()), ("b.png", png_bytes()), ("c.pdf", pdf_bytes()), ("d.png", png_bytes())],
            "не больше 3",
        ),
    ],
    ids=["renamed-linux-executable", "renamed-windows-executable", "fourth-file"],
)
def test_attachment_refusals_store_nothing(client, form_data, settings, files, message):
    response = post(client, {**form_data(), "attachments": [upload(n, d) for n, d in files]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()
    assert stored_files(settings) == []
    assert mail.outbox == []


def test_oversize_attachments_are_refused_with_nothing_stored(client, form_data, settings):
    settings.PROPOSALS_MAX_ATTACHMENTS_BYTES = 1000  # the 10 MB limit, scaled down
    big = pdf_bytes() + b"0" * 1200
    response = post(client, {**form_data(), "attachments": [upload("big.pdf", big)]})
    assert "больше 10 МБ" in response.content.decode()
    assert not Proposal.objects.exists() and stored_files(settings) == []


def school_options(html: str) -> set[str]:
    select = html.split('id="id_organization"', 1)[1].split("</select>", 1)[0]
    return set(re.findall(r'<option value="(\d+)"', select))


def test_one_municipality_lists_its_schools_at_once(client, school_a, school_b):
    html = client.get(URL).content.decode()
    assert 'id="municipality-choice"' not in html
    assert school_options(html) == {str(school_a.pk), str(school_b.pk)}


def test_in_a_region_the_municipality_is_chosen_first(client, school_a, school_b, school_elsewhere, municipality):
    html = client.get(URL).content.decode()
    assert 'id="municipality-choice"' in html
    assert school_options(html) == set()  # no list of every school in the region
    assert "сначала выберите её муниципалитет" in html

    html = client.get(URL, {"municipality": municipality.pk}).content.decode()
    assert school_options(html) == {str(school_a.pk), str(school_b.pk)}
    assert f'value="{municipality.pk}"' in html  # kept for the POST, not offered as a school


def test_a_school_of_another_municipality_is_refused(client, form_data, school_a, school_elsewhere, municipality):
    response = post(
        client, {**form_data(), "municipality": str(municipality.pk), "organization": str(school_elsewhere.pk)}
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_a_school_of_the_chosen_municipality_is_stored(client, form_data, school_a, school_elsewhere, municipality):
    response = post(client, {**form_data(), "municipality": str(municipality.pk), "organization": str(school_a.pk)})
    assert response.status_code == 302
    assert Proposal.objects.get().organization == school_a


def test_a_picture_that_unpacks_into_too_many_pixels_is_refused(client, form_data, settings, monkeypatch):
    from leanedu import uploads

    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 50)  # the 10×10 test picture has 100
    response = post(client, {**form_data(), "attachments": [upload("big.png", png_bytes())]})
    assert "слишком большое изображение" in response.content.decode()
    assert not Proposal.objects.exists() and stored_files(settings) == []


def test_a_damaged_picture_is_refused(client, form_data, settings):
    broken = jpeg_with_exif()[:200]
    response = post(client, {**form_data(), "attachments": [upload("photo.jpg", broken)]})
    assert "повреждён" in response.content.decode()
    assert not Proposal.objects.exists() and stored_files(settings) == []


def test_a_failure_after_the_files_were_written_leaves_no_file_and_no_row(client, form_data, settings, monkeypatch):
    import proposals.services

    def broken_mail(*args, **kwargs):
        raise RuntimeError("outbox table unavailable")

    monkeypatch.setattr(proposals.services, "_mail_author", broken_mail)
    client.raise_request_exception = False
    response = post(client, {**form_data(), "attachments": [upload("plan.png", png_bytes())]})
    assert response.status_code == 500
    assert not Proposal.objects.exists() and not ProposalAttachment.objects.exists()
    assert stored_files(settings) == []
