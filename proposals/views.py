"""Public pages of «Решаем вместе» and the office's attachment download.

Views stay thin: validate, call a service, redirect."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from leanedu.accessibility import COOKIE_NAME as A11Y_COOKIE
from leanedu.accessibility import A11ySettings
from leanedu.client_ip import client_ip
from leanedu.fragments import TIMEOUT as FRAGMENT_TIMEOUT
from leanedu.fragments import release, versions
from leanedu.scoping import user_scope
from proposals import conf
from proposals.forms import VERSIONS, ProposalForm, municipality_choices, sign_started
from proposals.models import Proposal, ProposalAttachment, hash_token
from proposals.services import proposal_submit

GOSUSLUGI_FEEDBACK_URL = "https://pos.gosuslugi.ru/"
THANKS_COOKIE = "proposal_submitted"
THANKS_MAX_AGE = 3600


def rate_limited(ip: str | None) -> bool:
    """Counted in the database, so the limit holds across processes and servers."""
    limit = conf.rate_limit_per_hour()
    if not limit or not ip:
        return False
    since = timezone.now() - timedelta(hours=1)
    return Proposal.objects.filter(submitted_ip=ip, created_at__gte=since).count() >= limit


@never_cache
def new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES)
        ip = client_ip(request)
        if rate_limited(ip):
            form.is_valid()  # keep what the person typed, with errors marked
            form.add_error(
                None,
                _(
                    "Too many proposals have been sent from your address in the last hour. "
                    "Please try again in an hour — what you wrote is kept below."
                ),
            )
            status = 429
        elif form.is_valid() and not form.spam:
            data = form.cleaned_data
            submitted = proposal_submit(
                actor=None,
                author_name=data["author_name"],
                email=data["email"],
                phone=data["phone"],
                author_role=data["author_role"],
                organization=data["organization"],
                category=data["category"],
                text=data["text"],
                publish_consent=data["consent_publish"],
                ip=ip,
                files=data["attachments"],
            )
            # The token is shown once, on the confirmation page, and never put in a URL we log.
            # A signed cookie for that page only, not a database session per submitter.
            response = redirect("proposals:thanks")
            response.set_signed_cookie(
                THANKS_COOKIE,
                json.dumps({"number": submitted.proposal.number, "token": submitted.token}),
                salt=THANKS_COOKIE,
                max_age=THANKS_MAX_AGE,
                path=reverse("proposals:thanks"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
        elif form.spam:
            form.add_error(None, _("The proposal could not be accepted. Please try again."))
            status = 400
    else:
        raw = request.GET.get("municipality", "")
        token = versions(VERSIONS)
        municipality_id = int(raw) if raw.isdigit() else None
        if municipality_id not in dict(municipality_choices(token)):
            municipality_id = None
        keys = EmptyFormKeys.of(request, token, municipality_id)
        if keys.page and (page := cache.get(keys.page)) is not None:
            # The busiest page of a submission, answered without building the form.
            return HttpResponse(_fill_slots(page, request))
        form = ProposalForm(municipality_id=municipality_id, organizations_version=token)
    context = {
        "form": form,
        "gosuslugi_url": GOSUSLUGI_FEEDBACK_URL,
        "consent_version": conf.consent_version(),
        "answer_days": conf.answer_days(),
    }
    if form.is_bound:  # a form with errors is rendered as it is
        fragment = render_to_string("proposals/_new_form.html", context, request)
        return render(request, "proposals/new.html", {"fragment": fragment}, status=status)
    return empty_form_page(request, form, context, keys)


# Placeholders for the two per-visitor values of the cached form: the CSRF token
# and the signed time stamp (letters only, so escaping leaves them alone).
CSRF_SLOT = "csrfslotQx7fK2"
STARTED_SLOT = "startedslotQx7fK2"
# And those of the confirmation page: the registration number and the status link.
NUMBER_SLOT = "numberslotQx7fK2"
STATUS_URL_SLOT = "statusurlslotQx7fK2"


def _fill_slots(html: str, request: HttpRequest) -> str:
    # Every CSRF token of the page is this visitor's (get_token also sets the cookie).
    # The two values are a token and a signature (letters, digits, "-_:"): nothing to escape.
    filled = html.replace(CSRF_SLOT, get_token(request)).replace(STARTED_SLOT, sign_started(), 1)
    return mark_safe(filled)  # noqa: S308


def _shares_the_page(request: HttpRequest, allowed_query: str = "") -> bool:
    """Whether the whole page is the same for this visitor as for others but
    for the values put in per request: no session cookie (so nobody signed in,
    whose name and menu the header shows) and no message waiting to be shown,
    and an address without parameters other than ``allowed_query`` (the
    address goes into the page, and any other query would only fill the cache)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    query = request.META.get("QUERY_STRING", "")
    return not query or (bool(allowed_query) and query == allowed_query)


def _a11y_key(request: HttpRequest) -> str:
    return A11ySettings.from_cookie(request.COOKIES.get(A11Y_COOKIE)).to_cookie()


@dataclass(frozen=True)
class EmptyFormKeys:
    """Cache keys of the empty form (``form``) and of the whole page around it
    (``page``, only for a visitor who shares it); empty without a version."""

    form: str = ""
    page: str = ""

    @classmethod
    def of(cls, request: HttpRequest, token: str | None, municipality_id: int | None) -> EmptyFormKeys:
        if token is None:  # no versions yet (an unmigrated database): nothing is cached
            return cls()
        # The form's other inputs: the consent text's version and deadline, and
        # the operator's name and retention period from the settings.
        texts = [conf.consent_version(), conf.answer_days(), settings.BODY_NAME]
        texts.append(settings.PROPOSALS_ANONYMIZE_AFTER_DAYS)
        digest = hashlib.sha1(repr(texts).encode()).hexdigest()[:16]
        common = f"{release()}:{get_language()}:{token}:{municipality_id or ''}:{digest}"
        page = ""
        if _shares_the_page(request, f"municipality={municipality_id}" if municipality_id else ""):
            page = f"page:proposals-new:{common}:{_a11y_key(request)}"
        return cls(form=f"fragment:proposals-new:{common}", page=page)


def empty_form_page(request: HttpRequest, form: ProposalForm, context: dict, keys: EmptyFormKeys) -> HttpResponse:
    """The page with the empty form. The form is the same for every visitor
    but for the CSRF token and the time stamp, so it is rendered once per
    municipality, language and version of the organisations (the choice lists)
    and cached; those two values are put in per request. For a visitor without
    a session the page around it is shared too (the header of an anonymous
    visitor differs only by the settings of the version for the visually
    impaired, which are in the key): the view answers it from the cache
    before building a form at all."""
    if not keys.form:
        fragment = render_to_string("proposals/_new_form.html", context, request)
        return render(request, "proposals/new.html", {"fragment": fragment})
    html = cache.get(keys.form)
    if html is None:
        form.initial["started"] = STARTED_SLOT
        html = render_to_string("proposals/_new_form.html", {**context, "csrf_token": CSRF_SLOT}, request)
        cache.set(keys.form, html, FRAGMENT_TIMEOUT)
    if not keys.page:
        return render(request, "proposals/new.html", {"fragment": _fill_slots(html, request)})
    fragment = mark_safe(html)  # noqa: S308 - rendered by the template above
    page = render_to_string("proposals/new.html", {"fragment": fragment, "csrf_token": CSRF_SLOT}, request)
    cache.set(keys.page, page, FRAGMENT_TIMEOUT)
    return HttpResponse(_fill_slots(page, request))


@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    raw = request.get_signed_cookie(THANKS_COOKIE, default=None, salt=THANKS_COOKIE, max_age=THANKS_MAX_AGE)
    if not raw:
        return redirect("proposals:new")
    submitted = json.loads(raw)
    # On the page the link follows the address the visitor used; e-mails use SITE_URL.
    status_url = request.build_absolute_uri(reverse("proposals:status", args=[submitted["token"]]))
    if not _shares_the_page(request):
        return render(request, "proposals/thanks.html", {"number": submitted["number"], "status_url": status_url})
    # As the form: the page is the same for every visitor without a session but
    # for the number, the link and the CSRF token, which are put in per request.
    key = f"page:proposals-thanks:{release()}:{get_language()}:{_a11y_key(request)}"
    page = cache.get(key)
    if page is None:
        slots = {"number": NUMBER_SLOT, "status_url": STATUS_URL_SLOT, "csrf_token": CSRF_SLOT}
        page = render_to_string("proposals/thanks.html", slots, request)
        cache.set(key, page, FRAGMENT_TIMEOUT)
    page = page.replace(NUMBER_SLOT, escape(submitted["number"])).replace(STATUS_URL_SLOT, escape(status_url))
    return HttpResponse(page.replace(CSRF_SLOT, get_token(request)))


@never_cache
@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > 100:
        raise Http404
    proposal = get_object_or_404(
        Proposal.objects.select_related("organization", "project"), token_hash=hash_token(token)
    )
    response = render(request, "proposals/status.html", {"proposal": proposal})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def answered(request: HttpRequest) -> HttpResponse:
    rows = Proposal.objects.published_answers().select_related("organization").order_by("-answered_at", "-pk")
    page = Paginator(rows.only("number", "category", "text", "answer", "answered_at", "organization__short_name"), 20)
    return render(request, "proposals/answered.html", {"page": page.get_page(request.GET.get("page"))})


@login_required
@never_cache
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Attachments only for office staff with the view permission; everyone else gets a 404."""
    if not (user_scope(request.user).is_office and request.user.has_perm("proposals.view_proposalattachment")):
        raise Http404
    item = get_object_or_404(
        ProposalAttachment.objects.filter(proposal__in=Proposal.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.content_type, as_attachment=True, filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
