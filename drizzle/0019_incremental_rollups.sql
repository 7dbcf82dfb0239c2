-- The yearly totals (0015) become tables maintained incrementally: a write recomputes only the totals of the
-- figures it touched, not all of them (a materialized view can only be refreshed whole, which rescans every
-- figure on every publish). What a write touched is recorded by triggers on observations and divisions in
-- "observation_totals_stale"; refresh_observation_totals(), called by every write (src/db/write.ts), recomputes
-- those totals in the write's own transaction and forgets them. The totals are exactly 0015's: the same query,
-- restricted to the figures whose totals can have changed.
--
-- Which totals can change when a figure of indicator I at division D is written: the figure's own group, the
-- groups of its partition (the latest figure of a year, a count overlapping an earlier one: both are computed
-- within the figures of one indicator, division, facility, program, status, unit, measure and reporting domain),
-- and whether figures of I at divisions below D are nested under a figure at D. So every total of I at D and at
-- the divisions below it is recomputed. A change to the divisions themselves recomputes everything.
ALTER MATERIALIZED VIEW "observation_indicator_yearly_totals" RENAME TO "observation_indicator_yearly_totals_0015";--> statement-breakpoint
ALTER MATERIALIZED VIEW "observation_yearly_totals" RENAME TO "observation_yearly_totals_0015";--> statement-breakpoint
CREATE TABLE "observation_yearly_totals" AS SELECT * FROM "observation_yearly_totals_0015";--> statement-breakpoint
CREATE TABLE "observation_indicator_yearly_totals" AS SELECT * FROM "observation_indicator_yearly_totals_0015";--> statement-breakpoint
DROP MATERIALIZED VIEW "observation_indicator_yearly_totals_0015";--> statement-breakpoint
DROP MATERIALIZED VIEW "observation_yearly_totals_0015";--> statement-breakpoint
CREATE UNIQUE INDEX "observation_yearly_totals_group_key_idx" ON "observation_yearly_totals" ("group_key");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_indicator_idx" ON "observation_yearly_totals" ("indicator_id", "year");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_indicator_division_idx" ON "observation_yearly_totals" ("indicator_id", "division_id");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_division_idx" ON "observation_yearly_totals" ("division_id");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_facility_idx" ON "observation_yearly_totals" ("facility_id") WHERE "facility_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_program_idx" ON "observation_yearly_totals" ("program_id") WHERE "program_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "observation_indicator_yearly_totals_key_idx" ON "observation_indicator_yearly_totals" ("indicator_id", "year", "unit", "measure", "status", "qualifier", "conflicting", "reported_in_domain");--> statement-breakpoint
CREATE TABLE "observation_totals_stale" (
  -- null: everything is stale (the divisions changed)
  "indicator_id" integer,
  "division_id" integer
);--> statement-breakpoint
CREATE FUNCTION "observations_written"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "observation_totals_stale" SELECT DISTINCT "indicator_id", "division_id" FROM "new_rows";
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO "observation_totals_stale" SELECT DISTINCT "indicator_id", "division_id" FROM "old_rows";
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "observations_inserted" AFTER INSERT ON "observations" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "observations_written"();--> statement-breakpoint
CREATE TRIGGER "observations_updated" AFTER UPDATE ON "observations" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "observations_written"();--> statement-breakpoint
CREATE TRIGGER "observations_deleted" AFTER DELETE ON "observations" REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "observations_written"();--> statement-breakpoint
CREATE FUNCTION "divisions_written"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An upsert that changed nothing fires the trigger too, with no rows. Each transition table is named only
  -- where it exists (a statement is parsed when it runs).
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "observation_totals_stale" SELECT NULL, NULL WHERE EXISTS (SELECT 1 FROM "new_rows");
  ELSE
    INSERT INTO "observation_totals_stale" SELECT NULL, NULL WHERE EXISTS (SELECT 1 FROM "old_rows");
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "divisions_inserted" AFTER INSERT ON "divisions" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "divisions_written"();--> statement-breakpoint
CREATE TRIGGER "divisions_updated" AFTER UPDATE ON "divisions" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "divisions_written"();--> statement-breakpoint
CREATE TRIGGER "divisions_deleted" AFTER DELETE ON "divisions" REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "divisions_written"();--> statement-breakpoint
CREATE FUNCTION "refresh_observation_totals"() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  -- The stale totals as pairs of arrays (indicator, division or 0 for none): no temporary table, whose
  -- creation costs more than the recomputation of one figure's totals, and arrays the planner can look up.
  "pair_indicators" integer[];
  "pair_divisions" integer[];
  "indicator_ids" integer[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "observation_totals_stale") THEN
    RETURN;
  END IF;
  -- One refresh at a time: a second waits, then sees the first's totals and deletes them before writing its own.
  PERFORM pg_advisory_xact_lock(hashtext('refresh_observation_totals'));
  IF EXISTS (SELECT 1 FROM "observation_totals_stale" WHERE "indicator_id" IS NULL) THEN
    SELECT array_agg("i"), array_agg("d") INTO "pair_indicators", "pair_divisions" FROM (
      SELECT "indicator_id" AS "i", coalesce("division_id", 0) AS "d" FROM "observations"
      UNION SELECT "indicator_id", coalesce("division_id", 0) FROM "observation_yearly_totals"
    ) AS "everything";
  ELSE
    WITH RECURSIVE "below"("indicator_id", "division_id") AS (
      SELECT "indicator_id", "division_id" FROM "observation_totals_stale" WHERE "division_id" IS NOT NULL
      UNION
      SELECT "b"."indicator_id", "d"."id" FROM "below" AS "b" JOIN "divisions" AS "d" ON "d"."parent_id" = "b"."division_id"
    )
    SELECT array_agg("i"), array_agg("d") INTO "pair_indicators", "pair_divisions" FROM (
      SELECT "indicator_id" AS "i", "division_id" AS "d" FROM "below"
      UNION SELECT "indicator_id", 0 FROM "observation_totals_stale" WHERE "division_id" IS NULL
    ) AS "stale";
  END IF;
  DELETE FROM "observation_totals_stale";
  SELECT array_agg(DISTINCT "i") INTO "indicator_ids" FROM unnest("pair_indicators") AS "i";

  DELETE FROM "observation_yearly_totals" AS "t" USING unnest("pair_indicators", "pair_divisions") AS "s"("stale_indicator_id", "stale_division_key")
    WHERE "t"."indicator_id" = "s"."stale_indicator_id" AND coalesce("t"."division_id", 0) = "s"."stale_division_key";
  INSERT INTO "observation_yearly_totals"
  WITH RECURSIVE "ancestry"("division_id", "ancestor_id") AS (
    SELECT "id", "parent_id" FROM "divisions" WHERE "parent_id" IS NOT NULL
    UNION ALL
    SELECT "a"."division_id", "d"."parent_id" FROM "ancestry" AS "a" JOIN "divisions" AS "d" ON "d"."id" = "a"."ancestor_id" WHERE "d"."parent_id" IS NOT NULL
  ), "placed" AS (
    SELECT DISTINCT "indicator_id", "division_id" FROM "observations"
    WHERE "retired_at" IS NULL AND "division_id" IS NOT NULL AND "indicator_id" = ANY("indicator_ids")
  ), "nested_places" AS (
    SELECT DISTINCT "inner"."indicator_id" AS "nested_indicator_id", "inner"."division_id" AS "nested_division_id"
    FROM "placed" AS "inner"
    JOIN "ancestry" AS "a" ON "a"."division_id" = "inner"."division_id"
    JOIN "placed" AS "outer" ON "outer"."indicator_id" = "inner"."indicator_id" AND "outer"."division_id" = "a"."ancestor_id"
  )
  SELECT "totals".*,
    format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', "indicator_id", "division_id", "facility_id", "program_id", "year",
      "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL, "reported_in_domain") AS "group_key"
  FROM (
    SELECT "indicator_id", "division_id", "facility_id", "program_id", "year", "unit", "measure", "status", "qualifier",
      CASE WHEN "conflict_group" IS NULL THEN NULL ELSE '' END AS "conflict_group", "reported_in_domain",
      count(*)::int AS "count", sum("value") AS "sum", min("value") AS "min", max("value") AS "max",
      (count(*) FILTER (WHERE "is_latest"))::int AS "latest_count", sum("value") FILTER (WHERE "is_latest") AS "latest_sum",
      (count(*) FILTER (WHERE "overlaps_earlier"))::int AS "overlapping",
      (count(*) FILTER (WHERE "is_nested"))::int AS "nested"
    FROM (
      SELECT "o".*, extract(year from "period_end")::int AS "year",
        "period_end" = max("period_end") OVER (PARTITION BY "indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain", extract(year from "period_end")) AS "is_latest",
        coalesce("measure" = 'count' AND coalesce("period_start", "period_end") <= max("period_end") OVER (
          PARTITION BY "indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain"
          ORDER BY coalesce("period_start", "period_end"), "period_end", "id" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS "overlaps_earlier",
        "n"."nested_indicator_id" IS NOT NULL AS "is_nested"
      FROM "observations" AS "o"
      JOIN unnest("pair_indicators", "pair_divisions") AS "s"("stale_indicator_id", "stale_division_key")
        ON "s"."stale_indicator_id" = "o"."indicator_id" AND "s"."stale_division_key" = coalesce("o"."division_id", 0)
      LEFT JOIN "nested_places" AS "n" ON "n"."nested_indicator_id" = "o"."indicator_id" AND "n"."nested_division_id" = "o"."division_id"
      WHERE "o"."retired_at" IS NULL AND "o"."indicator_id" = ANY("indicator_ids")
    ) AS "figures"
    GROUP BY "indicator_id", "division_id", "facility_id", "program_id", "year", "unit", "measure", "status", "qualifier", 10, "reported_in_domain"
  ) AS "totals";

  DELETE FROM "observation_indicator_yearly_totals" WHERE "indicator_id" = ANY("indicator_ids");
  INSERT INTO "observation_indicator_yearly_totals"
  SELECT "indicator_id", "year", "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL AS "conflicting",
    coalesce("reported_in_domain", '') AS "reported_in_domain",
    sum("count")::int AS "count", sum("sum") AS "sum", min("min") AS "min", max("max") AS "max",
    sum("latest_count")::int AS "latest_count", sum("latest_sum") AS "latest_sum", sum("overlapping")::int AS "overlapping",
    sum("nested")::int AS "nested"
  FROM "observation_yearly_totals"
  WHERE "indicator_id" = ANY("indicator_ids")
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END
$$;
