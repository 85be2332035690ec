"""The access matrix of the back office: every role × every URL of every
model the admin registers × a row in and a row out of the user's scope.

The URLs come from the admin registry itself (each ModelAdmin's
``get_urls()``), so a new model, inline page or custom view cannot escape:
``test_every_admin_url_is_in_the_matrix`` fails until the matrix knows it.

The expected answer of a page is the contract of ``leanedu.admin_rules``: the
Django permission of the user's role group AND the model's rule
(``leanedu.rules``) for that row. A POST that is refused must leave the
database exactly as it was; history detail POSTs (a "revert") are refused for
everyone, office and administrators included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.forms.models import model_to_dict
from django.urls import reverse

from leanedu import rules
from leanedu.admin_rules import RuledAdminMixin
from leanedu.models import Membership
from leanedu.roles import Role
from tests.documents.factories import DocumentFactory, DocumentKindFactory, TagFactory
from tests.factories import user_with_role
from tests.indicators.factories import IndicatorFactory, TargetFactory, ValueFactory, quarter
from tests.projects.factories import LeanToolFactory, PilotSiteFactory, ReadyProjectFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "coordinator",
    "official",
    "regional",
    "office",
    "admin",
    "staff_coordinator",
    "staff_official",
]

# Every kind of admin URL the matrix requests. A URL name of the registry is
# "<app>_<model>_<kind>"; custom views are listed by their kind too.
OBJECT_KINDS = ("change", "delete", "history", "simple_history")
MODEL_KINDS = ("changelist", "add", "export", "import", "process_import")
WORKFLOW_KINDS = ("decide", "transition", "reject_many", "stats")
# Admin screens of libraries and of accounts: Django permissions only (the
# administrator's), checked in test_library_screens_are_for_administrators.
LIBRARY_KINDS = ("password_change", "config", "qrcode")


@pytest.fixture
def actors(school_a, municipality, region):
    """One user per role; the two last ones are given staff status by hand."""
    coordinator = user_with_role(Role.COORDINATOR, school_a, username="m_coordinator")
    official = user_with_role(Role.OFFICIAL, municipality, username="m_official")
    staff_coordinator = user_with_role(Role.COORDINATOR, school_a, username="m_staff_coordinator")
    staff_official = user_with_role(Role.OFFICIAL, municipality, username="m_staff_official")
    for user in (staff_coordinator, staff_official):
        user.is_staff = True
        user.save()
    return {
        "anonymous": None,
        "coordinator": coordinator,
        "official": official,
        "regional": user_with_role(Role.OFFICIAL, region, username="m_regional"),
        "office": user_with_role(Role.OFFICE, municipality, username="m_office"),
        "admin": user_with_role(Role.ADMIN, municipality, username="m_admin"),
        "staff_coordinator": staff_coordinator,
        "staff_official": staff_official,
    }


@pytest.fixture
def world(actors, school_a, school_elsewhere, municipality, other_municipality, settings, tmp_path):
    """For every model the admin shows: a row in the coordinator's and the
    official's scope (school A, its municipality) and one outside it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from api.services import token_create
    from documents.models import DocumentFile, DocumentRelation
    from indicators.models import SentReminder
    from projects.models import ProjectStatus, ProjectTransition
    from proposals.models import ProposalAttachment  # noqa: F401 (shown inline only)

    doc_in = DocumentFactory(authority=municipality, is_public=False, title="Внутренний документ Троицка")
    doc_out = DocumentFactory(authority=other_municipality, is_public=False, title="Внутренний документ Пласта")
    project_in = ReadyProjectFactory(organization=school_a, status=ProjectStatus.SUBMITTED)
    project_out = ReadyProjectFactory(organization=school_elsewhere, status=ProjectStatus.SUBMITTED)
    indicator = IndicatorFactory()
    q1 = quarter(2025, 1)
    stranger = user_with_role(Role.COORDINATOR, school_elsewhere, username="m_stranger")
    rows = {
        "leanedu.organization": [school_a, school_elsewhere],
        "leanedu.membership": [
            Membership.objects.get(user=actors["coordinator"]),
            Membership.objects.get(user=stranger),
        ],
        "documents.document": [doc_in, doc_out],
        "documents.documentkind": [DocumentKindFactory()],
        "documents.tag": [TagFactory()],
        "documents.documentfile": [
            DocumentFile.objects.create(document=doc_in, title="Текст"),
            DocumentFile.objects.create(document=doc_out, title="Текст"),
        ],
        "documents.documentrelation": [
            DocumentRelation.objects.create(
                source=doc_in, kind="implements", target=DocumentFactory(authority=municipality, is_public=False)
            ),
            DocumentRelation.objects.create(
                source=doc_out, kind="implements", target=DocumentFactory(authority=other_municipality, is_public=False)
            ),
        ],
        "projects.leantool": [LeanToolFactory()],
        "projects.pilotsite": [PilotSiteFactory(organization=school_a)],
        "projects.project": [project_in, project_out],
        "projects.submittedproject": [project_in, project_out],
        "projects.projecttransition": [
            ProjectTransition.objects.create(project=project_in, from_status="draft", to_status="submitted"),
            ProjectTransition.objects.create(project=project_out, from_status="draft", to_status="submitted"),
        ],
        "indicators.indicator": [indicator],
        "indicators.period": [q1],
        "indicators.target": [
            TargetFactory(indicator=indicator, organization=school_a),
            TargetFactory(indicator=indicator, organization=school_elsewhere),
        ],
        "indicators.value": [
            ValueFactory(indicator=indicator, period=q1, organization=school_a, status="submitted"),
            ValueFactory(indicator=indicator, period=q1, organization=school_elsewhere, status="submitted"),
            ValueFactory(indicator=indicator, period=quarter(2025, 2), organization=school_a, status="approved"),
        ],
        "proposals.proposal": [ProposalFactory(organization=school_a)],
        "indicators.sentreminder": [SentReminder.objects.create(period=q1, organization=school_a, step=7)],
        "api.apitoken": [
            token_create(actor=actors["staff_coordinator"], name="Выгрузка школы")[0],
            token_create(actor=stranger, name="Чужая выгрузка")[0],
        ],
    }
    return rows


def ruled_admins():
    return {
        model._meta.label_lower: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, RuledAdminMixin)
    }


def url_kinds(model_admin) -> set[str]:
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_"
    return {p.name.removeprefix(prefix) for p in model_admin.get_urls() if getattr(p, "name", None)}


def test_every_admin_url_is_in_the_matrix(world):
    known = set(OBJECT_KINDS + MODEL_KINDS + WORKFLOW_KINDS + LIBRARY_KINDS)
    for model, model_admin in admin.site._registry.items():
        unknown = url_kinds(model_admin) - known
        assert not unknown, f"{model._meta.label}: admin URLs missing from the access matrix: {unknown}"
    missing = set(ruled_admins()) - set(world)
    assert not missing, f"models without rows in the matrix world: {missing}"


def test_every_admin_of_a_project_model_asks_the_rulebook():
    """Models of the project's apps are shown only through RuledAdminMixin
    (except the outbox, read-only for administrators, and user accounts)."""
    ours = {"leanedu", "documents", "projects", "indicators", "proposals", "api"}
    plain = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ours and not isinstance(model_admin, RuledAdminMixin)
    }
    assert plain == {"leanedu.OutgoingEmail"}


def snapshot() -> dict[str, list]:
    """Every row of every model of the project's apps, to compare around a POST."""
    state = {}
    for app_label in ("leanedu", "documents", "projects", "indicators", "proposals"):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.proxy:
                continue
            state[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return state


def login(client, user):
    if user is not None:
        client.force_login(user)


def perm(user, model_admin, action: str) -> bool:
    if user is None:
        return False
    opts = model_admin.opts
    if opts.proxy:
        opts = opts.concrete_model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def rule(user, model_admin, action: str, obj=None) -> bool:
    manager = model_admin.model._default_manager
    if obj is None:
        return manager.all().may(user, action)
    return manager.visible_to(user, action).filter(pk=obj.pk).exists()


def refused(response) -> bool:
    return response.status_code in (302, 403, 404, 405)


def post_payload(obj) -> dict:
    """The row's own values with its text fields changed: what a revert or an
    edit would send."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, str):
            data[name] = value + " (изменено)"
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        elif isinstance(value, Decimal | int) and name != "id":
            data[name] = str(value + 999) if name == "value" else str(value)
        elif isinstance(value, dt.date):
            data[name] = value.strftime("%d.%m.%Y")
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


@pytest.mark.parametrize("role", ROLES)
def test_admin_access_matrix(client, actors, world, role):
    user = actors[role]
    login(client, user)
    is_staff = user is not None and user.is_active and user.is_staff
    failures = []

    def check(label, response, allowed):
        if allowed and response.status_code == 302 and "history" in label:
            response = client.get(response.url)  # the review queue shows the project's history
        if allowed and response.status_code != 200:
            failures.append(f"{label}: expected 200, got {response.status_code}")
        if not allowed and not refused(response):
            failures.append(f"{label}: expected a refusal, got {response.status_code}")

    def check_post(label, url, data):
        before = snapshot()
        response = client.post(url, data)
        if not refused(response):
            failures.append(f"{label}: expected a refusal, got {response.status_code}")
        if snapshot() != before:
            failures.append(f"{label}: the refused POST changed the database ({response.status_code})")

    for label, model_admin in ruled_admins().items():
        kinds = url_kinds(model_admin)
        info = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}"
        can_view = is_staff and (perm(user, model_admin, "view") or perm(user, model_admin, "change"))
        if "changelist" in kinds:
            check(f"{label} changelist", client.get(reverse(f"{info}_changelist")), can_view)
        if "add" in kinds:
            allowed = is_staff and perm(user, model_admin, "add") and rule(user, model_admin, rules.ADD)
            allowed = allowed and model_admin.has_add_permission(_request(user))
            check(f"{label} add", client.get(reverse(f"{info}_add")), allowed)
        if "export" in kinds:
            check(f"{label} export", client.get(reverse(f"{info}_export")), can_view)
        if "import" in kinds:
            allowed = is_staff and perm(user, model_admin, "import") and rule(user, model_admin, rules.ADD)
            check(f"{label} import", client.get(reverse(f"{info}_import")), allowed)
            if not allowed:
                check_post(f"{label} process_import", reverse(f"{info}_process_import"), {"import_file_name": "x"})
        for index, obj in enumerate(world[label]):
            where = f"{label} #{index} ({obj.pk})"
            pk = quote(obj.pk)
            sees = can_view and rule(user, model_admin, rules.VIEW, obj)
            check(f"{where} change", client.get(reverse(f"{info}_change", args=[pk])), sees)
            check(f"{where} history", client.get(reverse(f"{info}_history", args=[pk])), sees)
            record = obj.history.order_by("-history_id").first() if hasattr(obj, "history") else None
            history_id = record.history_id if record is not None else None
            if history_id is not None and "simple_history" in kinds:
                detail = reverse(f"{info}_simple_history", args=[pk, history_id])
                check(f"{where} history detail", client.get(detail), sees)
                # Reverting is switched off for everyone.
                check_post(f"{where} history detail POST", detail, post_payload(obj))
            may_change = sees and perm(user, model_admin, "change") and rule(user, model_admin, rules.CHANGE, obj)
            if not may_change:
                check_post(f"{where} change POST", reverse(f"{info}_change", args=[pk]), post_payload(obj))
            may_delete = sees and perm(user, model_admin, "delete") and rule(user, model_admin, rules.DELETE, obj)
            check(f"{where} delete", client.get(reverse(f"{info}_delete", args=[pk])), may_delete)
            if not may_delete:
                check_post(f"{where} delete POST", reverse(f"{info}_delete", args=[pk]), {"post": "yes"})
            if "decide" in kinds:
                may_review = sees and perm(user, model_admin, "change") and rule(user, model_admin, rules.REVIEW, obj)
                url = reverse(f"{info}_decide", args=[pk, "approve"])
                check(f"{where} decide", client.get(url), may_review)
                if not may_review:
                    check_post(f"{where} decide POST", url, {"comment": "Одобрено"})
            if "transition" in kinds:
                may_review = sees and perm(user, model_admin, "change") and rule(user, model_admin, rules.REVIEW, obj)
                url = reverse("admin:proposals_proposal_transition", args=[obj.pk, "register"])
                check(f"{where} transition", client.get(url), may_review)
                if not may_review:
                    check_post(f"{where} transition POST", url, {})
        if "reject_many" in kinds:
            ids = ",".join(str(o.pk) for o in world[label])
            url = reverse("admin:proposals_proposal_reject_many") + f"?ids={ids}"
            may = is_staff and perm(user, model_admin, "change") and rule(user, model_admin, rules.REVIEW)
            check(f"{label} reject_many", client.get(url), may)
            if not may:
                check_post(f"{label} reject_many POST", url, {"reason": "spam"})
        if "stats" in kinds:
            check(f"{label} stats", client.get(reverse("admin:proposals_proposal_stats")), can_view)
    assert not failures, "\n".join(failures)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ROLES)
def test_library_screens_are_for_administrators(client, actors, role):
    """Groups, accounts, lock-outs, devices, task results, the outbox: Django
    permissions of the administrator's group only."""
    user = actors[role]
    login(client, user)
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, RuledAdminMixin):
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(reverse(f"{info}_changelist"))
        allowed = role == "admin" and model_admin.has_view_or_change_permission(_request(user))
        assert (response.status_code == 200) == allowed, (model._meta.label, role, response.status_code)
