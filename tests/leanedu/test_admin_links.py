"""Every link in the control panel leads somewhere its reader may go: signed in
as office staff (and as the office's administrator), the index, every list and one change page per model of the
demo data are walked, and every link under the control panel's address on
them is opened once — none answers 403, 404 or a server error."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.leanedu.test_admin_wording import registered

HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]+)"')
# Links that change something when opened, or end the session.
SIDE_EFFECTS = ("/logout/",)


def admin_links(html: str, prefix: str) -> set[str]:
    links = set()
    for href in HREF.findall(html):
        href = unescape(href)
        if href.startswith("?"):
            continue  # the list's own sorting and filters: same page, other rows
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
            continue
        if any(marker in parts.path for marker in SIDE_EFFECTS):
            continue
        links.add(href.split("#", 1)[0])
    return links


def pages_to_walk(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in registered():
        if not model_admin.has_view_permission(request):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
    return urls


@pytest.mark.parametrize("username", ["office", "admin"])
def test_every_admin_link_opens_for_its_reader(demo, db, username):
    user = get_user_model().objects.get(username=username)
    assert user.is_staff
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    prefix = "/" + settings.ADMIN_URL
    walked = pages_to_walk(user)
    links: dict[str, str] = {}
    for url in walked:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
        for link in admin_links(response.content.decode(), prefix):
            links.setdefault(link, url)
    assert len(links) > len(walked)
    broken = []
    for link, found_on in sorted(links.items()):
        status = client.get(link).status_code
        if status in (403, 404) or status >= 500:
            broken.append(f"{link} (on {found_on}): HTTP {status}")
    assert not broken, f"{len(broken)} of {len(links)} links lead nowhere for {username}:\n" + "\n".join(broken)
