"""Factories of «Решаем вместе» tests."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

import factory
from django.utils import timezone
from PIL import Image

from proposals.models import AuthorRole, Category, Proposal, Status, hash_token
from proposals.services import next_number


class ProposalFactory(factory.django.DjangoModelFactory):
    """A stored proposal with its number drawn from the real counter."""

    class Meta:
        model = Proposal

    number = factory.LazyFunction(lambda: next_number(timezone.localdate().year))
    token_hash = factory.LazyFunction(lambda: hash_token(secrets.token_urlsafe(32)))
    author_name = "Анна Родительская"
    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    phone = "+7 900 111-22-33"
    submitted_ip = "203.0.113.5"
    consent_version = "test-1"
    consent_at = factory.LazyFunction(timezone.now)
    consent_ip = "203.0.113.5"
    author_role = AuthorRole.PARENT
    category = Category.FOOD
    text = factory.Sequence(lambda n: f"Предложение номер {n}: поставить второй терминал в столовой.")
    status = Status.NEW
    created_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyAttribute(lambda o: timezone.localdate(o.created_at) + timedelta(days=30))


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x0131] = "GPS-Tracking-Software"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(out, "PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def elf_bytes() -> bytes:
    """The start of a Linux executable."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def windows_exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
