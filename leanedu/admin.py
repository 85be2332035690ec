"""Back office for organisations, users and memberships. Every write goes
through ``leanedu.services``: memberships through the one service that keeps
the role groups (permissions) in step with them."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from leanedu import services
from leanedu.admin_rules import RuledAdminMixin
from leanedu.mail import shown_body
from leanedu.models import AUTHORITY_KINDS, Membership, Organization, OutgoingEmail
from leanedu.resources import ServiceResource
from leanedu.wording import full_name

User = get_user_model()


class OrganizationResource(ServiceResource):
    class Meta:
        model = Organization
        fields = ("id", "full_name", "short_name", "kind", "parent", "inn", "address", "website", "email", "is_active")


class PersonWithoutUserLinkMixin:
    """A reader who may not open user accounts (office staff) sees the
    person's full name as text, not a link to the account page they would be
    refused (a 403)."""

    @admin.display(description=_("user"))
    def person(self, membership) -> str:
        return full_name(membership.user) if membership and membership.user_id else "—"

    def _hides_user_link(self, request) -> bool:
        return not request.user.has_perm("auth.view_user")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and self._hides_user_link(request):
            fields = ["person" if name == "user" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self._hides_user_link(request):
            fields.append("person")
        return fields


def save_membership_formset(request, formset) -> None:
    """Membership rows of an inline, each through the membership service."""
    with transaction.atomic():
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_revoke(actor=request.user, membership=membership)
        for membership in instances:
            save_membership(request, membership)


def save_membership(request, membership: Membership) -> Membership:
    """One membership row of a form: granted when new, changed otherwise."""
    terms = {"organization": membership.organization, "role": membership.role, "position": membership.position}
    if membership._state.adding:
        return services.membership_grant(actor=request.user, user=membership.user, **terms)
    return services.membership_change(actor=request.user, membership=membership, **terms)


class MembershipInline(RuledAdminMixin, PersonWithoutUserLinkMixin, admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(RuledAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["short_name", "kind", "parent", "municipality", "is_active"]
    list_filter = ["kind", "is_active", ("municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent", "municipality"]
    search_fields = ["short_name", "full_name", "inn"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        services.organization_save(actor=request.user, organization=obj, adding=not change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_membership_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def get_search_results(self, request, queryset, search_term):
        """In an autocomplete (a document's authority, a parent, a membership),
        education authorities come before the schools: «Троиц» offers
        «Управление образования г. Троицка» first."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if getattr(request.resolver_match, "url_name", "") == "autocomplete":
            authority_first = Case(When(kind__in=list(AUTHORITY_KINDS), then=Value(0)), default=Value(1))
            queryset = queryset.annotate(authority_first=authority_first).order_by("authority_first", "short_name")
        return queryset, may_have_duplicates


@admin.register(Membership)
class MembershipAdmin(RuledAdminMixin, PersonWithoutUserLinkMixin, SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "position", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__last_name", "organization__short_name"]
    autocomplete_fields = ["user", "organization"]

    def save_model(self, request, obj, form, change):
        saved = save_membership(request, obj)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_service(self, request, obj, *, reason=""):
        services.membership_revoke(actor=request.user, membership=obj)


class UserMembershipInline(RuledAdminMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    verbose_name_plural = _("roles in organisations")


admin.site.unregister(User)


@admin.register(User)
class LeaneduUserAdmin(UserAdmin, SimpleHistoryAdmin):
    inlines = [UserMembershipInline]
    list_display = ["username", "last_name", "first_name", "email", "is_staff", "is_active", "last_login"]

    def get_readonly_fields(self, request, obj=None):
        # Role groups follow memberships (the inline below), never a hand-picked
        # list. Superuser status and single permissions would bypass both the
        # roles and the scope: only a superuser gives them.
        fields = [*super().get_readonly_fields(request, obj), "groups"]
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_membership_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting an account from history would bypass the forms and services.
        from django.core.exceptions import PermissionDenied

        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: to see what was sent and what waits for a retry."""

    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    # The text with its secret part (a status link) named, never shown; the
    # encrypted secret itself is not on the page.
    fields = ["to", "subject", "text", "status", "attempts", "last_error", "created_at", "next_attempt_at", "sent_at"]
    readonly_fields = fields

    @admin.display(description=_("text"))
    def text(self, mail: OutgoingEmail) -> str:
        return shown_body(mail)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
