"""Every e-mail the portal sends: its body comes from a template, and every
link in it is absolute and starts with SITE_URL (never the host of the
request that happened to trigger it, never a bare path)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test.signals import template_rendered
from django.utils import timezone

from indicators.deadlines import reminders_send
from indicators.models import IndicatorLevel, Method
from projects.models import ProjectStatus
from projects.services import TRANSITIONS
from proposals import services as proposals
from proposals.models import RejectReason
from tests.indicators.factories import IndicatorFactory, quarter
from tests.projects.factories import ReadyProjectFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SITE = "https://lean.example.org"
URL = re.compile(r"https?://\S+")
# A path standing alone in a text mail ("Open: /cabinet/…") is a link nobody can follow.
BARE_PATH = re.compile(r"(?:^|\s)/[\w-]+/\S*", re.MULTILINE)


def email_templates() -> set[str]:
    """Every e-mail body template of every app: <app>/templates/<app>/email/*.txt."""
    return {f"{p.parent.parent.name}/email/{p.name}" for p in ROOT.glob("*/templates/*/email/*.txt")}


@pytest.fixture
def rendered():
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def send_every_mail(school_a, office, coordinator_a, settings):
    """Each mail of each workflow once: the projects' six transitions, the
    proposals' submission, answer, refusal, conversion and overdue digest, and
    the indicators' reminder and late list."""
    steps = [
        ("submit", ProjectStatus.DRAFT, {"actor": coordinator_a}),
        ("return", ProjectStatus.SUBMITTED, {"actor": office, "comment": "Уточните цель."}),
        ("approve", ProjectStatus.SUBMITTED, {"actor": office}),
        ("start", ProjectStatus.APPROVED, {"actor": office}),
        ("complete", ProjectStatus.IN_PROGRESS, {"actor": office}),
        ("cancel", ProjectStatus.DRAFT, {"actor": office, "reason": "Организация закрыта на ремонт."}),
    ]
    for name, status, kwargs in steps:
        project = ReadyProjectFactory(organization=school_a, status=status)
        project.metrics.update(actual_value=Decimal("29"))
        TRANSITIONS[name](project=project, **kwargs)

    proposals.proposal_submit(
        author_name="Анна",
        email="anna@example.org",
        author_role="parent",
        category="food",
        text="Поставить второй терминал в столовой.",
    )
    proposals.proposal_answer(actor=office, proposal=ProposalFactory(), answer="Терминал поставлен.")
    proposals.proposal_reject(actor=office, proposal=ProposalFactory(), reason=RejectReason.OFF_TOPIC)
    proposals.proposal_convert(actor=office, proposal=ProposalFactory(), organization=school_a, title="Второй терминал")
    late = ProposalFactory(due_date=timezone.localdate() - timedelta(days=3))
    assert late
    proposals.overdue_digest_send(actor=None)

    # Indicators: a coordinator's reminder before the deadline, the office's late list after it.
    IndicatorFactory(level=IndicatorLevel.ORGANIZATION, method=Method.ENTERED)
    q1 = quarter(2025, 1)
    q1.deadline = date(2025, 4, 10)
    q1.save()
    assert reminders_send(today=q1.deadline - timedelta(days=3)) == 1
    assert reminders_send(today=q1.deadline + timedelta(days=1)) == 1


def test_every_mail_is_a_template_and_every_link_starts_with_site_url(
    school_a, office, coordinator_a, settings, rendered, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        send_every_mail(school_a, office, coordinator_a, settings)

    sent_templates = {name for name in rendered if "/email/" in name}
    assert sent_templates == email_templates()
    assert len(mail.outbox) >= len(email_templates())
    with_links = 0
    for message in mail.outbox:
        links = URL.findall(message.body)
        assert all(link.startswith(SITE + "/") for link in links), (message.subject, links)
        assert not BARE_PATH.findall(message.body), (message.subject, message.body)
        with_links += bool(links)
    # submitted (office), five decisions (coordinators), the proposal's status link, the reminder
    assert with_links >= 8
