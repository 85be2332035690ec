"""Reporting deadlines: what each organisation owes for a period, reminders
before the deadline (never twice for one step), the late list to the office
the day after, and each organisation's on-time rate.

An organisation owes a value for every entered organisation-level indicator
active in the period's year; a value counts as delivered once submitted or
approved. Reminders go to the coordinators of organisations whose values are
still missing, in draft or returned."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from indicators import conf
from indicators.models import Indicator, Period, PeriodKind, SentReminder, Value, ValueStatus
from leanedu.formats import ru_date
from leanedu.mail import absolute_url, queue_email
from leanedu.models import Membership, Organization
from leanedu.roles import Role

DELIVERED = (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
OFFICE_STEP = -1  # the day after the deadline: the late list to the office


@dataclass
class Owed:
    """One organisation's state for one period."""

    organization: Organization
    period: Period
    expected: int
    approved: int = 0
    submitted: int = 0
    in_work: int = 0  # draft or returned

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.approved - self.submitted - self.in_work)

    @property
    def sent(self) -> int:
        """Values submitted or approved."""
        return self.approved + self.submitted

    @property
    def delivered(self) -> bool:
        return self.sent >= self.expected

    @property
    def due_on(self) -> datetime.date:
        return self.period.due_on


def expected_indicators(period: Period) -> list[int]:
    return list(
        Indicator.objects.entered().active_in(period.year).filter(level="organization").values_list("pk", flat=True)
    )


def owed(period: Period, organizations) -> list[Owed]:
    """Every organisation of ``organizations`` (education ones) with its counts
    for ``period``: two queries."""
    indicators = expected_indicators(period)
    counts = {
        row["organization_id"]: row
        for row in Value.objects.filter(period=period, indicator_id__in=indicators)
        .order_by()
        .values("organization_id")
        .annotate(
            approved=Count("pk", filter=Q(status=ValueStatus.APPROVED)),
            submitted=Count("pk", filter=Q(status=ValueStatus.SUBMITTED)),
            in_work=Count("pk", filter=Q(status__in=[ValueStatus.DRAFT, ValueStatus.RETURNED])),
        )
    }
    result = []
    for org in organizations.education().order_by("municipality__short_name", "short_name", "pk"):
        row = counts.get(org.pk, {})
        result.append(
            Owed(
                org,
                period,
                len(indicators),
                row.get("approved", 0),
                row.get("submitted", 0),
                row.get("in_work", 0),
            )
        )
    return result


def _coordinator_addresses(org_ids: list[int]) -> dict[int, list[str]]:
    rows = Membership.objects.filter(organization_id__in=org_ids, role=Role.COORDINATOR, user__is_active=True).exclude(
        user__email=""
    )
    addresses: dict[int, list[str]] = {}
    for org_id, email in rows.values_list("organization_id", "user__email"):
        addresses.setdefault(org_id, []).append(email)
    return addresses


def _claim(period: Period, organization: Organization | None, step: int) -> bool:
    """Record that this reminder goes out now; False when it already went."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(period=period, organization=organization, step=step)
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send what is due today (for cron and the task worker); returns the
    number of e-mails queued. Safe to run any number of times a day."""
    from django.urls import reverse

    today = today or timezone.localdate()
    steps = set(conf.reminder_steps())
    sent = 0
    horizon = max(steps, default=0)
    periods = Period.objects.filter(kind=PeriodKind.QUARTER, ends_on__gte=today - datetime.timedelta(days=120))
    periods = periods.filter(ends_on__lte=today + datetime.timedelta(days=horizon))
    for period in periods.order_by("starts_on"):
        days_left = (period.due_on - today).days
        if days_left in steps:
            debtors = [o for o in owed(period, Organization.objects.all()) if not o.delivered]
            addresses = _coordinator_addresses([o.organization.pk for o in debtors])
            for item in debtors:
                to = addresses.get(item.organization.pk)
                if not to or not _claim(period, item.organization, days_left):
                    continue
                entry = f"{reverse('indicators:entry')}?organization={item.organization.pk}&period={period.pk}"
                queue_email(
                    to=to,
                    subject=gettext("Deadline for the indicator values for %(period)s — %(due)s")
                    % {"period": period.label, "due": ru_date(period.due_on)},
                    body=render_to_string(
                        "indicators/email/reminder.txt",
                        {"item": item, "days_left": days_left, "entry_url": absolute_url(entry)},
                    ),
                )
                sent += 1
        if days_left == OFFICE_STEP:
            late = [o for o in owed(period, Organization.objects.all()) if not o.delivered]
            if late and _claim(period, None, OFFICE_STEP):
                queue_email(
                    to=settings.OFFICE_EMAIL,
                    subject=gettext("Indicator values for %(period)s not submitted in time (%(due)s)")
                    % {"period": period.label, "due": ru_date(period.due_on)},
                    body=render_to_string("indicators/email/late.txt", {"period": period, "late": late}),
                )
                sent += 1
    return sent


def on_time_rates(organizations, *, today: datetime.date | None = None, periods: int = 4) -> list[dict]:
    """Per organisation, over the last ``periods`` quarters whose deadline has
    passed: in how many it had submitted every value by the deadline."""
    today = today or timezone.localdate()
    quarters = [
        p
        for p in Period.objects.filter(kind=PeriodKind.QUARTER, ends_on__lt=today).order_by("-starts_on")[: periods * 2]
        if p.due_on < today
    ][:periods]
    if not quarters:
        return []
    on_time: dict[int, int] = {}
    for period in quarters:
        indicators = expected_indicators(period)
        deadline_end = timezone.make_aware(
            datetime.datetime.combine(period.due_on + datetime.timedelta(days=1), datetime.time.min)
        )
        rows = (
            Value.objects.filter(period=period, indicator_id__in=indicators, status__in=DELIVERED)
            .filter(Q(submitted_at__lt=deadline_end) | Q(submitted_at__isnull=True, reviewed_at__lt=deadline_end))
            .order_by()
            .values("organization_id")
            .annotate(n=Count("indicator_id", distinct=True))
            .filter(n__gte=len(indicators))
            .values_list("organization_id", flat=True)
        )
        for org_id in rows:
            on_time[org_id] = on_time.get(org_id, 0) + 1
    result = []
    for org in (
        organizations.education().select_related("municipality").order_by("municipality__short_name", "short_name")
    ):
        n = on_time.get(org.pk, 0)
        result.append(
            {"organization": org, "on_time": n, "periods": len(quarters), "rate": round(n * 100 / len(quarters), 1)}
        )
    return result
