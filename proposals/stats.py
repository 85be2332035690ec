"""Statistics for the office: received, answered, median days to answer, overdue —
in total and per organisation."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from proposals.models import OPEN_STATUSES, Proposal, Status


@dataclass
class Row:
    name: str
    received: int = 0
    answered: int = 0
    overdue: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


def proposal_stats(queryset=None) -> tuple[Row, list[Row]]:
    """One pass over the rows; dates compared in the portal's time zone."""
    from django.utils.translation import gettext

    queryset = Proposal.objects.all() if queryset is None else queryset
    today = timezone.localdate()
    total = Row(name=gettext("All"))
    per_org: dict[str, Row] = defaultdict(lambda: Row(name=""))
    rows = queryset.values_list("organization__short_name", "status", "created_at", "answered_at", "due_date")
    for org_name, status, created_at, answered_at, due_date in rows.iterator(chunk_size=2000):
        name = org_name or gettext("Organisation not given")
        row = per_org[name]
        row.name = name
        for target in (total, row):
            target.received += 1
            if status == Status.ANSWERED:
                target.answered += 1
                target.days.append((timezone.localdate(answered_at) - timezone.localdate(created_at)).days)
            if status in OPEN_STATUSES and due_date < today:
                target.overdue += 1
    return total, sorted(per_org.values(), key=lambda r: r.name)
