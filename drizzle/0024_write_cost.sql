-- What a publish costs PostgreSQL, kept from growing with the history (drizzle/0021).
--
-- The key of a yearly total of an indicator is never null (each column comes from a NOT NULL column of the
-- figures, or is coalesced): saying so lets the history trigger match a total's earlier states by "=", through
-- its twin's index, rather than reading every state the rollup ever had (as 0023 did for the other rollup).
ALTER TABLE "observation_indicator_yearly_totals" ALTER COLUMN "indicator_id" SET NOT NULL, ALTER COLUMN "year" SET NOT NULL, ALTER COLUMN "unit" SET NOT NULL, ALTER COLUMN "measure" SET NOT NULL, ALTER COLUMN "status" SET NOT NULL, ALTER COLUMN "qualifier" SET NOT NULL, ALTER COLUMN "conflicting" SET NOT NULL, ALTER COLUMN "reported_in_domain" SET NOT NULL;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "refresh_observation_totals"() RETURNS void LANGUAGE plpgsql
-- Its statements are small and planned from a queue table's statistics, which lag behind its churn: just-in-time
-- compilation, which a large estimate starts, would cost more than the statements themselves.
SET "jit" = off AS $$
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

  -- The stale totals computed afresh and compared with those kept: only a total that differs is written, so a
  -- change that moves no figure (a label, a note) writes no total and keeps no new state of one in history.
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
  ), "fresh" AS (
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
    ) AS "totals"
  ), "gone_placed" AS (
    -- Each of the two deletes matches the (indicator_id, division_id) index exactly (drizzle/0020).
    DELETE FROM "observation_yearly_totals" AS "t" USING unnest("pair_indicators", "pair_divisions") AS "s"("stale_indicator_id", "stale_division_key")
    WHERE "t"."indicator_id" = "s"."stale_indicator_id" AND "t"."division_id" = "s"."stale_division_key"
      AND NOT EXISTS (SELECT 1 FROM "fresh" AS "f" WHERE "f"."group_key" = "t"."group_key")
  ), "gone_unplaced" AS (
    DELETE FROM "observation_yearly_totals" AS "t" USING unnest("pair_indicators", "pair_divisions") AS "s"("stale_indicator_id", "stale_division_key")
    WHERE "s"."stale_division_key" = 0 AND "t"."indicator_id" = "s"."stale_indicator_id" AND "t"."division_id" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "fresh" AS "f" WHERE "f"."group_key" = "t"."group_key")
  )
  INSERT INTO "observation_yearly_totals" AS "t" SELECT * FROM "fresh"
  ON CONFLICT ("group_key") DO UPDATE SET "count" = excluded."count", "sum" = excluded."sum", "min" = excluded."min", "max" = excluded."max", "latest_count" = excluded."latest_count", "latest_sum" = excluded."latest_sum", "overlapping" = excluded."overlapping", "nested" = excluded."nested"
  WHERE ("t"."count", "t"."sum", "t"."min", "t"."max", "t"."latest_count", "t"."latest_sum", "t"."overlapping", "t"."nested") IS DISTINCT FROM (excluded."count", excluded."sum", excluded."min", excluded."max", excluded."latest_count", excluded."latest_sum", excluded."overlapping", excluded."nested");

  WITH "fresh" AS (
    SELECT "indicator_id", "year", "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL AS "conflicting",
      coalesce("reported_in_domain", '') AS "reported_in_domain",
      sum("count")::int AS "count", sum("sum") AS "sum", min("min") AS "min", max("max") AS "max",
      sum("latest_count")::int AS "latest_count", sum("latest_sum") AS "latest_sum", sum("overlapping")::int AS "overlapping",
      sum("nested")::int AS "nested"
    FROM "observation_yearly_totals"
    WHERE "indicator_id" = ANY("indicator_ids")
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ), "gone" AS (
    DELETE FROM "observation_indicator_yearly_totals" AS "t" WHERE "t"."indicator_id" = ANY("indicator_ids")
      AND NOT EXISTS (SELECT 1 FROM "fresh" AS "f" WHERE ("f"."indicator_id", "f"."year", "f"."unit", "f"."measure", "f"."status", "f"."qualifier", "f"."conflicting", "f"."reported_in_domain") = ("t"."indicator_id", "t"."year", "t"."unit", "t"."measure", "t"."status", "t"."qualifier", "t"."conflicting", "t"."reported_in_domain"))
  )
  INSERT INTO "observation_indicator_yearly_totals" AS "t" SELECT * FROM "fresh"
  ON CONFLICT ("indicator_id", "year", "unit", "measure", "status", "qualifier", "conflicting", "reported_in_domain") DO UPDATE SET "count" = excluded."count", "sum" = excluded."sum", "min" = excluded."min", "max" = excluded."max", "latest_count" = excluded."latest_count", "latest_sum" = excluded."latest_sum", "overlapping" = excluded."overlapping", "nested" = excluded."nested"
  WHERE ("t"."count", "t"."sum", "t"."min", "t"."max", "t"."latest_count", "t"."latest_sum", "t"."overlapping", "t"."nested") IS DISTINCT FROM (excluded."count", excluded."sum", excluded."min", excluded."max", excluded."latest_count", excluded."latest_sum", excluded."overlapping", excluded."nested");
END
$$;
