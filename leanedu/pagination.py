"""A paginator for the admin's large changelists: exact counts for short
lists, PostgreSQL's planner estimate for long ones (counting 800,000 rows on
every page view costs more than the page itself)."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """``count`` is exact up to ``exact_up_to`` rows (a capped count stops
    there), above that the planner's row estimate for the same query — kept
    accurate by ANALYZE (``seed_demo`` ends with it; autovacuum does it later)."""

    exact_up_to = 5_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        capped = queryset.order_by()[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        sql, params = queryset.order_by().query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return max(self.exact_up_to + 1, int(plan[0]["Plan"]["Plan Rows"]))
