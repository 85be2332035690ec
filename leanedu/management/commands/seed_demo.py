"""Demo data: the Troitsk set by default, or a synthetic region for benchmarks.

Each app that has a ``demo`` module with ``seed(ctx)`` (and optionally
``seed_region(ctx)``) is called in INSTALLED_APPS order, so the kernel's
organisations exist before the documents and projects that use them. Every
step is idempotent: a second run neither fails nor duplicates."""

from __future__ import annotations

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from leanedu.demo import SeedContext


class Command(BaseCommand):
    help = "Load demo data (idempotent). --region N adds a synthetic region of N municipalities."

    def add_arguments(self, parser):
        parser.add_argument("--region", type=int, metavar="N", help="municipalities in a synthetic region")
        parser.add_argument("--orgs-per-municipality", type=int, default=45)
        parser.add_argument(
            "--port", type=int, default=8000, help="port of the development server, for the sign-in line"
        )
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the demo accounts")

    def handle(self, *args, region=None, orgs_per_municipality=45, port=8000, quiet_accounts=False, **options):
        ctx = SeedContext(stdout=self.stdout, style=self.style, port=port)
        modules = []
        for config in apps.get_app_configs():
            try:
                modules.append(importlib.import_module(f"{config.name}.demo"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
        for module in modules:
            started = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            ctx.log(f"{module.__name__}: {time.monotonic() - started:.1f} s")
        if region:
            ctx.region_municipalities = region
            ctx.orgs_per_municipality = orgs_per_municipality
            for module in modules:
                if hasattr(module, "seed_region"):
                    started = time.monotonic()
                    module.seed_region(ctx)
                    ctx.log(f"{module.__name__} (region): {time.monotonic() - started:.1f} s")
        # Fresh statistics for the planner: a server may run with autovacuum off,
        # and until the first ANALYZE PostgreSQL plans these tables as empty.
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        ctx.log(f"ANALYZE: {time.monotonic() - started:.1f} s")
        if not quiet_accounts:
            ctx.print_accounts()
