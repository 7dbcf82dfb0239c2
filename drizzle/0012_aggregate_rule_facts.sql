-- The yearly totals keep what the aggregate rules need (src/domains/statistics/aggregate.ts), per group:
-- - latest_count, latest_sum: the figures at the latest period end of their series (indicator, area,
--   facility, program, status, unit, measure, reported domain) in the year: a year's stock or running total
--   is its latest figure, never the sum of the year's figures;
-- - overlapping: how many flows in their own period start before an earlier-starting figure of their series
--   ended (their periods overlap, so adding them would count twice); computed over all figures, so an
--   aggregate over fewer re-checks the figures themselves when this is not 0;
-- - reported_in_domain, for the domain filter (drizzle/0011).
-- The coarser rollup keeps qualifier and whether a figure is contested (hedges and conflicts make a total
-- hedged or refused), as booleans and '' so its unique key stays plain and non-null. Otherwise as 0009/0010.
DROP MATERIALIZED VIEW "observation_indicator_yearly_totals";--> statement-breakpoint
DROP MATERIALIZED VIEW "observation_yearly_totals";--> statement-breakpoint
CREATE MATERIALIZED VIEW "observation_yearly_totals" AS
SELECT "totals".*,
  format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', "indicator_id", "division_id", "facility_id", "program_id", "year",
    "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL, "reported_in_domain") AS "group_key"
FROM (
  SELECT "indicator_id", "division_id", "facility_id", "program_id", "year", "unit", "measure", "status", "qualifier",
    CASE WHEN "conflict_group" IS NULL THEN NULL ELSE '' END AS "conflict_group", "reported_in_domain",
    count(*)::int AS "count", sum("value") AS "sum", min("value") AS "min", max("value") AS "max",
    (count(*) FILTER (WHERE "is_latest"))::int AS "latest_count", sum("value") FILTER (WHERE "is_latest") AS "latest_sum",
    (count(*) FILTER (WHERE "overlaps_earlier"))::int AS "overlapping"
  FROM (
    SELECT *, extract(year from "period_end")::int AS "year",
      "period_end" = max("period_end") OVER (PARTITION BY "indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain", extract(year from "period_end")) AS "is_latest",
      coalesce("measure" = 'count' AND coalesce("period_start", "period_end") <= max("period_end") OVER (
        PARTITION BY "indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain"
        ORDER BY coalesce("period_start", "period_end"), "period_end", "id" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS "overlaps_earlier"
    FROM "observations"
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
  sum("latest_count")::int AS "latest_count", sum("latest_sum") AS "latest_sum", sum("overlapping")::int AS "overlapping"
FROM "observation_yearly_totals"
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;--> statement-breakpoint
CREATE UNIQUE INDEX "observation_indicator_yearly_totals_key_idx" ON "observation_indicator_yearly_totals" ("indicator_id", "year", "unit", "measure", "status", "qualifier", "conflicting", "reported_in_domain");
