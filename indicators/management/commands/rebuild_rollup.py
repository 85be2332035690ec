"""Rebuild the roll-up of approved values (``Fact`` and ``Summary``) from
scratch. The triggers keep it current on every change; this is for after a
restore, a manual SQL repair, or to check that nothing drifted."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.facts import rebuild_summary
from indicators.models import Fact, Summary


class Command(BaseCommand):
    help = "Rebuild the indicator roll-up (facts per organisation and the municipality and region totals)."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            rebuild_summary()
        self.stdout.write(
            f"roll-up rebuilt: {Fact.objects.count()} facts, {Summary.objects.count()} totals "
            f"in {time.monotonic() - started:.1f} s"
        )
