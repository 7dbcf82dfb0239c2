-- The yearly totals count only live figures (a retired one, removed from its seed file, is in no total), and
-- keep one more fact per group for the aggregate rules (src/domains/statistics/aggregate.ts):
-- - nested: how many of its figures have a live figure of the same indicator at a division containing theirs
--   (a district's beds and a subdistrict's: the district's may already count the subdistrict's). An aggregate
--   whose group holds such figures reads the figures themselves to see whether both are in it.
-- Otherwise as 0012.
DROP MATERIALIZED VIEW "observation_indicator_yearly_totals";--> statement-breakpoint
DROP MATERIALIZED VIEW "observation_yearly_totals";--> statement-breakpoint
CREATE MATERIALIZED VIEW "observation_yearly_totals" AS
WITH RECURSIVE "ancestry"("division_id", "ancestor_id") AS (
  SELECT "id", "parent_id" FROM "divisions" WHERE "parent_id" IS NOT NULL
  UNION ALL
  SELECT "a"."division_id", "d"."parent_id" FROM "ancestry" AS "a" JOIN "divisions" AS "d" ON "d"."id" = "a"."ancestor_id" WHERE "d"."parent_id" IS NOT NULL
), "placed" AS (
  SELECT DISTINCT "indicator_id", "division_id" FROM "observations" WHERE "retired_at" IS NULL AND "division_id" IS NOT NULL
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
    LEFT JOIN "nested_places" AS "n" ON "n"."nested_indicator_id" = "o"."indicator_id" AND "n"."nested_division_id" = "o"."division_id"
    WHERE "o"."retired_at" IS NULL
  ) AS "figures"
  GROUP BY "indicator_id", "division_id", "facility_id", "program_id", "year", "unit", "measure", "status", "qualifier", 10, "reported_in_domain"
) AS "totals";--> statement-breakpoint
CREATE UNIQUE INDEX "observation_yearly_totals_group_key_idx" ON "observation_yearly_totals" ("group_key");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_indicator_idx" ON "observation_yearly_totals" ("indicator_id", "year");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_division_idx" ON "observation_yearly_totals" ("division_id");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_facility_idx" ON "observation_yearly_totals" ("facility_id") WHERE "facility_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_program_idx" ON "observation_yearly_totals" ("program_id") WHERE "program_id" IS NOT NULL;--> statement-breakpoint
CREATE MATERIALIZED VIEW "observation_indicator_yearly_totals" AS
SELECT "indicator_id", "year", "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL AS "conflicting",
  coalesce("reported_in_domain", '') AS "reported_in_domain",
  sum("count")::int AS "count", sum("sum") AS "sum", min("min") AS "min", max("max") AS "max",
  sum("latest_count")::int AS "latest_count", sum("latest_sum") AS "latest_sum", sum("overlapping")::int AS "overlapping",
  sum("nested")::int AS "nested"
FROM "observation_yearly_totals"
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;--> statement-breakpoint
CREATE UNIQUE INDEX "observation_indicator_yearly_totals_key_idx" ON "observation_indicator_yearly_totals" ("indicator_id", "year", "unit", "measure", "status", "qualifier", "conflicting", "reported_in_domain");
