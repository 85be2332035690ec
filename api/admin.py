"""API tokens in the back office: office staff see who holds which token and
revoke one (through the service); nobody creates or edits a token here, and
the key itself is never stored, so never shown.

The rows and every page ask the rulebook like the other admins
(``ApiTokenQuerySet.rule``): a staff user who is not office staff would see
only their own tokens, and only with the view permission of their role."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from api import services
from api.models import ApiToken
from leanedu.admin_rules import RuledAdminMixin
from leanedu.rules import CHANGE


@admin.register(ApiToken)
class ApiTokenAdmin(RuledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "holder", "prefix_shown", "created_at", "last_used_at", "state"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__last_name"]
    list_select_related = ["user"]
    readonly_fields = ["holder", "name", "prefix_shown", "created_at", "last_used_at", "state", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    @admin.display(description=_("holder"), ordering="user__last_name")
    def holder(self, token):
        name = token.user.get_full_name()
        return f"{name} ({token.user.get_username()})" if name else token.user.get_username()

    @admin.display(description=_("beginning of the key"), ordering="prefix")
    def prefix_shown(self, token):
        return f"le_{token.prefix}_…"

    @admin.display(description=pgettext_lazy("api token", "state"), ordering="revoked_at")
    def state(self, token):
        return pgettext_lazy("api token", "active") if token.is_active else pgettext_lazy("api token", "revoked")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing to edit: revoke with the action

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays as a record of access

    def has_revoke_permission(self, request):
        return self.has_view_permission(request) and self.model._default_manager.all().may(request.user, CHANGE)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset.visible_to(request.user, CHANGE):
            services.token_revoke(actor=request.user, token=token)
        messages.success(request, _("Tokens revoked."))
