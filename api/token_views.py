"""The page where a signed-in user creates and revokes their API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.models import ApiToken
from api.services import MAX_ACTIVE_TOKENS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. «выгрузка в региональную систему»."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.token_create(actor=request.user, name=form.cleaned_data["name"])
        except PermissionDenied:
            messages.error(
                request, _("You already have %(n)s active tokens: revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
            )
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    response = render(request, "api/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})
    # The page may show a key once: no cache may keep it.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token «%(name)s» is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
