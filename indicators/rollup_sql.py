"""The roll-up of approved values, kept by PostgreSQL triggers (installed by
migration 0004, rebuilt by ``manage.py rebuild_rollup``).

Why triggers rather than the services: approved values are written by the
approval and reopen services, by the import (``bulk_create`` / ``bulk_update``,
which send no signals), by ``seed_demo`` (one ``INSERT … SELECT``), and a
target, an organisation's municipality or an indicator's aggregation can be
changed in the admin. A statement-level trigger with transition tables sees
every one of these writes, in the same transaction, whatever wrote it, and
handles a bulk statement as one set. Writers serialise on one transaction-level
advisory lock, so two approvals never compute a total from each other's stale
snapshot (approvals are rare; readers never wait).

Two tables:
- ``indicators_fact``: one row per organisation × indicator × period that has
  approved values inside the period: its fact (the rule of ``facts.py``: the
  period's own value, else its quarters summed or the latest one), its target
  and baseline (the period's own target, else its calendar year's), and the
  organisation's municipality (0 for none);
- ``indicators_summary``: totals and counts of facts, targets and baselines per
  indicator × period for each municipality (level ``m``) and the region
  (level ``r``, municipality 0)."""

LOCK_KEY = 7_349_120_015  # pg_advisory_xact_lock key of roll-up writers
BIG_STATEMENT = 20_000  # more changed rows than this: rebuild everything (set-based)

# The fact of an organisation for a period from its values: ``f0`` has
# organization_id, indicator_id, period_id, exact, quarters_sum, latest.
FACT_SELECT = """
SELECT f0.organization_id, f0.indicator_id, f0.period_id, COALESCE(org.municipality_id, 0),
    CASE WHEN f0.exact IS NOT NULL THEN f0.exact
         WHEN ind.aggregation = 'sum' AND f0.quarters_sum IS NOT NULL THEN f0.quarters_sum
         ELSE f0.latest END,
    CASE WHEN te.value IS NOT NULL THEN te.value ELSE ty.value END,
    CASE WHEN te.value IS NOT NULL THEN te.baseline_value ELSE ty.baseline_value END
FROM ({f0}) f0
JOIN indicators_indicator ind ON ind.id = f0.indicator_id
JOIN leanedu_organization org ON org.id = f0.organization_id
JOIN indicators_period pp ON pp.id = f0.period_id
LEFT JOIN indicators_target te
    ON te.organization_id = f0.organization_id AND te.indicator_id = f0.indicator_id AND te.period_id = f0.period_id
LEFT JOIN LATERAL (
    SELECT y.id FROM indicators_period y
    WHERE y.kind = 'year' AND y.year = EXTRACT(YEAR FROM pp.ends_on) ORDER BY y.number, y.id LIMIT 1
) yp ON TRUE
LEFT JOIN indicators_target ty
    ON ty.organization_id = f0.organization_id AND ty.indicator_id = f0.indicator_id AND ty.period_id = yp.id
"""

# The latest value is the one of the period that ends last (and starts first).
AGGREGATES = """
    MAX(v.value) FILTER (WHERE v.period_id = {period}) AS exact,
    SUM(v.value) FILTER (WHERE vp.kind = 'quarter') AS quarters_sum,
    (MIN(ARRAY[(DATE '2000-01-01' - vp.ends_on)::numeric, (vp.starts_on - DATE '2000-01-01')::numeric,
        v.value]))[3] AS latest
"""

# f0 for given keys (arrays ko, ki, kp: organisation, indicator, period).
F0_KEYED = (
    """
SELECT k.o AS organization_id, k.i AS indicator_id, k.p AS period_id, """
    + AGGREGATES.format(period="k.p")
    + """
FROM (SELECT DISTINCT * FROM unnest(ko, ki, kp) AS u(o, i, p)) k
JOIN indicators_period kpp ON kpp.id = k.p
JOIN indicators_value v ON v.organization_id = k.o AND v.indicator_id = k.i AND v.status = 'approved'
JOIN indicators_period vp ON vp.id = v.period_id AND vp.starts_on >= kpp.starts_on AND vp.ends_on <= kpp.ends_on
GROUP BY k.o, k.i, k.p
"""
)

# f0 for every approved value (the rebuild): each value counts in every period that contains its own.
F0_ALL = (
    """
SELECT v.organization_id, v.indicator_id, pr.outer_id AS period_id, """
    + AGGREGATES.format(period="pr.outer_id")
    + """
FROM indicators_value v
JOIN (SELECT c.id AS outer_id, i.id AS inner_id FROM indicators_period c
      JOIN indicators_period i ON i.starts_on >= c.starts_on AND i.ends_on <= c.ends_on) pr
    ON pr.inner_id = v.period_id
JOIN indicators_period vp ON vp.id = v.period_id
WHERE v.status = 'approved'
GROUP BY v.organization_id, v.indicator_id, pr.outer_id
"""
)

FACT_COLUMNS = "(organization_id, indicator_id, period_id, municipality_id, fact, target, baseline)"
SUMMARY_COLUMNS = (
    "(level, indicator_id, period_id, municipality_id, fact_total, fact_count, target_total, target_count, "
    "baseline_total, baseline_count)"
)
SUMS = """COALESCE(SUM(f.fact), 0), COUNT(f.fact), COALESCE(SUM(f.target), 0), COUNT(f.target),
    COALESCE(SUM(f.baseline), 0), COUNT(f.baseline)"""
REGION_SUMS = """SUM(s.fact_total), SUM(s.fact_count), SUM(s.target_total), SUM(s.target_count),
    SUM(s.baseline_total), SUM(s.baseline_count)"""

# How a keyed refresh begins: a statement that changed this many rows is
# cheaper rebuilt set-based; otherwise it waits for the writers' lock.
LARGE_OR_LOCK = f"""IF cardinality(ko) > {BIG_STATEMENT} THEN
        PERFORM indicators_rollup_rebuild();
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});"""

INSTALL = f"""
CREATE OR REPLACE FUNCTION indicators_rollup_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    TRUNCATE indicators_fact, indicators_summary;
    INSERT INTO indicators_fact {FACT_COLUMNS} {FACT_SELECT.format(f0=F0_ALL)};
    INSERT INTO indicators_summary {SUMMARY_COLUMNS}
        SELECT 'm', f.indicator_id, f.period_id, f.municipality_id, {SUMS}
        FROM indicators_fact f GROUP BY f.indicator_id, f.period_id, f.municipality_id;
    INSERT INTO indicators_summary {SUMMARY_COLUMNS}
        SELECT 'r', s.indicator_id, s.period_id, 0, {REGION_SUMS}
        FROM indicators_summary s WHERE s.level = 'm' GROUP BY s.indicator_id, s.period_id;
END $$;

-- Recompute the facts of the given organisation × indicator × period keys and
-- the municipality and region totals they belong to (before and after).
CREATE OR REPLACE FUNCTION indicators_rollup_refresh(ko integer[], ki integer[], kp integer[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    bi integer[]; bp integer[]; bm integer[];
BEGIN
    {LARGE_OR_LOCK}
    SELECT array_agg(b.i), array_agg(b.p), array_agg(b.m) INTO bi, bp, bm FROM (
        SELECT f.indicator_id AS i, f.period_id AS p, f.municipality_id AS m
        FROM unnest(ko, ki, kp) AS k(o, i, p)
        JOIN indicators_fact f ON f.organization_id = k.o AND f.indicator_id = k.i AND f.period_id = k.p
        UNION
        SELECT k.i, k.p, COALESCE(org.municipality_id, 0)
        FROM unnest(ko, ki, kp) AS k(o, i, p) JOIN leanedu_organization org ON org.id = k.o
    ) b;
    DELETE FROM indicators_fact f USING unnest(ko, ki, kp) AS k(o, i, p)
    WHERE f.organization_id = k.o AND f.indicator_id = k.i AND f.period_id = k.p;
    INSERT INTO indicators_fact {FACT_COLUMNS} {FACT_SELECT.format(f0=F0_KEYED)};

    DELETE FROM indicators_summary s USING unnest(bi, bp, bm) AS b(i, p, m)
    WHERE s.level = 'm' AND s.indicator_id = b.i AND s.period_id = b.p AND s.municipality_id = b.m;
    INSERT INTO indicators_summary {SUMMARY_COLUMNS}
        SELECT 'm', f.indicator_id, f.period_id, f.municipality_id, {SUMS}
        FROM (SELECT DISTINCT * FROM unnest(bi, bp, bm) AS u(i, p, m)) b
        JOIN indicators_fact f ON f.indicator_id = b.i AND f.period_id = b.p AND f.municipality_id = b.m
        GROUP BY f.indicator_id, f.period_id, f.municipality_id;
    DELETE FROM indicators_summary s USING unnest(bi, bp) AS b(i, p)
    WHERE s.level = 'r' AND s.indicator_id = b.i AND s.period_id = b.p;
    INSERT INTO indicators_summary {SUMMARY_COLUMNS}
        SELECT 'r', s.indicator_id, s.period_id, 0, {REGION_SUMS}
        FROM (SELECT DISTINCT * FROM unnest(bi, bp) AS u(i, p)) b
        JOIN indicators_summary s ON s.level = 'm' AND s.indicator_id = b.i AND s.period_id = b.p
        GROUP BY s.indicator_id, s.period_id;
END $$;

-- Values: each changed approved value (before or after the change) counts in
-- its period and in every period that contains it.
CREATE OR REPLACE FUNCTION indicators_rollup_values_changed(ko integer[], ki integer[], kvp integer[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    fo integer[]; fi integer[]; fp integer[];
BEGIN
    {LARGE_OR_LOCK}
    SELECT array_agg(x.o), array_agg(x.i), array_agg(x.p) INTO fo, fi, fp FROM (
        SELECT DISTINCT k.o, k.i, c.id AS p
        FROM unnest(ko, ki, kvp) AS k(o, i, vp)
        JOIN indicators_period v ON v.id = k.vp
        JOIN indicators_period c ON c.starts_on <= v.starts_on AND c.ends_on >= v.ends_on
    ) x;
    IF fo IS NOT NULL THEN
        PERFORM indicators_rollup_refresh(fo, fi, fp);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION indicators_value_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ko integer[]; ki integer[]; kp integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.organization_id), array_agg(n.indicator_id), array_agg(n.period_id) INTO ko, ki, kp
        FROM new_rows n WHERE n.status = 'approved';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.organization_id), array_agg(o.indicator_id), array_agg(o.period_id) INTO ko, ki, kp
        FROM old_rows o WHERE o.status = 'approved';
    ELSE
        SELECT array_agg(c.organization_id), array_agg(c.indicator_id), array_agg(c.period_id) INTO ko, ki, kp
        FROM (
            SELECT n.organization_id, n.indicator_id, n.period_id FROM new_rows n WHERE n.status = 'approved'
            UNION
            SELECT o.organization_id, o.indicator_id, o.period_id FROM old_rows o WHERE o.status = 'approved'
        ) c;
    END IF;
    IF ko IS NOT NULL THEN
        PERFORM indicators_rollup_values_changed(ko, ki, kp);
    END IF;
    RETURN NULL;
END $$;

-- Targets: the facts of the target's period, and for a calendar year's target
-- the facts of every period ending in that year (they fall back on it).
CREATE OR REPLACE FUNCTION indicators_target_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ko integer[]; ki integer[]; kp integer[];
    fo integer[]; fi integer[]; fp integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.organization_id), array_agg(n.indicator_id), array_agg(n.period_id) INTO ko, ki, kp
        FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.organization_id), array_agg(o.indicator_id), array_agg(o.period_id) INTO ko, ki, kp
        FROM old_rows o;
    ELSE
        SELECT array_agg(c.organization_id), array_agg(c.indicator_id), array_agg(c.period_id) INTO ko, ki, kp
        FROM (
            SELECT n.organization_id, n.indicator_id, n.period_id FROM new_rows n
            UNION
            SELECT o.organization_id, o.indicator_id, o.period_id FROM old_rows o
        ) c;
    END IF;
    IF ko IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT array_agg(x.organization_id), array_agg(x.indicator_id), array_agg(x.period_id) INTO fo, fi, fp FROM (
        SELECT DISTINCT f.organization_id, f.indicator_id, f.period_id
        FROM unnest(ko, ki, kp) AS k(o, i, tp)
        JOIN indicators_period t ON t.id = k.tp
        JOIN indicators_fact f ON f.organization_id = k.o AND f.indicator_id = k.i
        JOIN indicators_period fp ON fp.id = f.period_id
        WHERE f.period_id = k.tp OR (t.kind = 'year' AND EXTRACT(YEAR FROM fp.ends_on) = t.year)
    ) x;
    IF fo IS NOT NULL THEN
        PERFORM indicators_rollup_refresh(fo, fi, fp);
    END IF;
    RETURN NULL;
END $$;

-- An organisation moved to another municipality, an indicator's aggregation
-- changed: their facts are recomputed.
CREATE OR REPLACE FUNCTION indicators_owner_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fo integer[]; fi integer[]; fp integer[];
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    IF TG_TABLE_NAME = 'leanedu_organization' THEN
        SELECT array_agg(f.organization_id), array_agg(f.indicator_id), array_agg(f.period_id) INTO fo, fi, fp
        FROM indicators_fact f WHERE f.organization_id = NEW.id;
    ELSE
        SELECT array_agg(f.organization_id), array_agg(f.indicator_id), array_agg(f.period_id) INTO fo, fi, fp
        FROM indicators_fact f WHERE f.indicator_id = NEW.id;
    END IF;
    IF fo IS NOT NULL THEN
        PERFORM indicators_rollup_refresh(fo, fi, fp);
    END IF;
    RETURN NULL;
END $$;

-- A new period gets the facts of the values inside it; changed dates move
-- values between periods: everything is rebuilt.
CREATE OR REPLACE FUNCTION indicators_period_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fo integer[]; fi integer[]; fp integer[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM indicators_rollup_rebuild();
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT array_agg(x.organization_id), array_agg(x.indicator_id), array_agg(x.period_id) INTO fo, fi, fp FROM (
        SELECT DISTINCT v.organization_id, v.indicator_id, NEW.id AS period_id
        FROM indicators_value v JOIN indicators_period vp ON vp.id = v.period_id
        WHERE v.status = 'approved' AND vp.starts_on >= NEW.starts_on AND vp.ends_on <= NEW.ends_on
    ) x;
    IF fo IS NOT NULL THEN
        PERFORM indicators_rollup_refresh(fo, fi, fp);
    END IF;
    RETURN NULL;
END $$;

-- DELETE, not TRUNCATE: a flush truncates these tables in the same command.
CREATE OR REPLACE FUNCTION indicators_value_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM indicators_fact;
    DELETE FROM indicators_summary;
    RETURN NULL;
END $$;

CREATE TRIGGER indicators_value_rollup_insert AFTER INSERT ON indicators_value
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_value_rollup();
CREATE TRIGGER indicators_value_rollup_update AFTER UPDATE ON indicators_value
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_value_rollup();
CREATE TRIGGER indicators_value_rollup_delete AFTER DELETE ON indicators_value
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_value_rollup();
CREATE TRIGGER indicators_value_rollup_truncate AFTER TRUNCATE ON indicators_value
    FOR EACH STATEMENT EXECUTE FUNCTION indicators_value_truncated();
CREATE TRIGGER indicators_target_rollup_insert AFTER INSERT ON indicators_target
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_target_rollup();
CREATE TRIGGER indicators_target_rollup_update AFTER UPDATE ON indicators_target
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_target_rollup();
CREATE TRIGGER indicators_target_rollup_delete AFTER DELETE ON indicators_target
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_target_rollup();
CREATE TRIGGER indicators_organization_rollup AFTER UPDATE OF municipality_id ON leanedu_organization
    FOR EACH ROW WHEN (OLD.municipality_id IS DISTINCT FROM NEW.municipality_id)
    EXECUTE FUNCTION indicators_owner_rollup();
CREATE TRIGGER indicators_indicator_rollup AFTER UPDATE OF aggregation ON indicators_indicator
    FOR EACH ROW WHEN (OLD.aggregation IS DISTINCT FROM NEW.aggregation)
    EXECUTE FUNCTION indicators_owner_rollup();
CREATE TRIGGER indicators_period_rollup_insert AFTER INSERT ON indicators_period
    FOR EACH ROW EXECUTE FUNCTION indicators_period_rollup();
CREATE TRIGGER indicators_period_rollup_update AFTER UPDATE OF starts_on, ends_on ON indicators_period
    FOR EACH ROW WHEN (OLD.starts_on IS DISTINCT FROM NEW.starts_on OR OLD.ends_on IS DISTINCT FROM NEW.ends_on)
    EXECUTE FUNCTION indicators_period_rollup();

SELECT indicators_rollup_rebuild();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS indicators_value_rollup_insert ON indicators_value;
DROP TRIGGER IF EXISTS indicators_value_rollup_update ON indicators_value;
DROP TRIGGER IF EXISTS indicators_value_rollup_delete ON indicators_value;
DROP TRIGGER IF EXISTS indicators_value_rollup_truncate ON indicators_value;
DROP TRIGGER IF EXISTS indicators_target_rollup_insert ON indicators_target;
DROP TRIGGER IF EXISTS indicators_target_rollup_update ON indicators_target;
DROP TRIGGER IF EXISTS indicators_target_rollup_delete ON indicators_target;
DROP TRIGGER IF EXISTS indicators_organization_rollup ON leanedu_organization;
DROP TRIGGER IF EXISTS indicators_indicator_rollup ON indicators_indicator;
DROP TRIGGER IF EXISTS indicators_period_rollup_insert ON indicators_period;
DROP TRIGGER IF EXISTS indicators_period_rollup_update ON indicators_period;
DROP FUNCTION IF EXISTS indicators_value_truncated();
DROP FUNCTION IF EXISTS indicators_period_rollup();
DROP FUNCTION IF EXISTS indicators_owner_rollup();
DROP FUNCTION IF EXISTS indicators_target_rollup();
DROP FUNCTION IF EXISTS indicators_value_rollup();
DROP FUNCTION IF EXISTS indicators_rollup_values_changed(integer[], integer[], integer[]);
DROP FUNCTION IF EXISTS indicators_rollup_refresh(integer[], integer[], integer[]);
DROP FUNCTION IF EXISTS indicators_rollup_rebuild();
"""
