"""Every public page carries the security headers and nothing the CSP would
have to allow: no inline scripts, no style attributes, no inline styles."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style[\s>]", re.IGNORECASE)


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo-password-123"
    call_command("seed_demo", quiet_accounts=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def public_urls():
    from documents.models import Document
    from projects.models import PUBLIC_STATUSES, Project

    urls = [
        "/",
        "/documents/",
        "/documents/?q=опорная+площадка",
        "/pilot-sites/",
        "/projects/",
        "/indicators/",
        "/proposals/new/",
        "/proposals/answered/",
        "/privacy/",
        "/accounts/login/",
    ]
    document = Document.objects.filter(is_public=True).first()
    project = Project.objects.filter(status__in=PUBLIC_STATUSES).first()
    if document:
        urls.append(document.get_absolute_url())
    if project:
        urls.append(project.get_absolute_url())
    return urls


def test_every_public_page_is_safe_under_the_csp(client, demo):
    checked = 0
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"inline script on {url}"
        assert not STYLE_ATTR.search(html), f"style attribute on {url}"
        assert not STYLE_TAG.search(html), f"style element on {url}"
        checked += 1
    assert checked >= 10
