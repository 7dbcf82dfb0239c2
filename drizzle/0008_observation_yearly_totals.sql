-- Figures summed per indicator, area, year and every other attribute an aggregate can filter on, so an
-- aggregate reads one row per group of figures instead of every figure (an indicator's 5,040 figures by
-- year at 1M: 420 rows, 2.7 → 0.25 ms). Refreshed in the transaction of every write that bumps the data
-- version (src/db/seed/writeSeeds.ts), so it never disagrees with the figures. conflict_group keeps only
-- whether there is one ('' or null), which is all a filter asks of it. Drizzle declares no views: by hand.
CREATE MATERIALIZED VIEW "observation_yearly_totals" AS
SELECT "indicator_id", "division_id", "facility_id", "program_id", extract(year from "period_end")::int AS "year",
  "unit", "measure", "status", "qualifier", CASE WHEN "conflict_group" IS NULL THEN NULL ELSE '' END AS "conflict_group",
  count(*)::int AS "count", sum("value") AS "sum", min("value") AS "min", max("value") AS "max"
FROM "observations"
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_indicator_idx" ON "observation_yearly_totals" ("indicator_id", "year");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_division_idx" ON "observation_yearly_totals" ("division_id");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_facility_idx" ON "observation_yearly_totals" ("facility_id") WHERE "facility_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_program_idx" ON "observation_yearly_totals" ("program_id") WHERE "program_id" IS NOT NULL;
