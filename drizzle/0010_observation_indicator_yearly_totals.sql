-- The yearly totals of 0008 keep every attribute a filter may name, so one indicator's years grow with the
-- places and facilities its figures are about (10 rows at 10k figures, 420 at 1M in the benchmark). Most
-- aggregates name no place: this coarser rollup keeps only the indicator, year, unit, measure and status,
-- so an indicator's totals by year read about as many rows as it has years, at any scale. It is summed from
-- the finer view (far fewer rows than the figures), refreshed right after it in the same transaction
-- (src/db/seed/writeSeeds.ts), CONCURRENTLY, which the unique index over its plain, non-null key allows.
CREATE MATERIALIZED VIEW "observation_indicator_yearly_totals" AS
SELECT "indicator_id", "year", "unit", "measure", "status",
  sum("count")::int AS "count", sum("sum") AS "sum", min("min") AS "min", max("max") AS "max"
FROM "observation_yearly_totals"
GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
CREATE UNIQUE INDEX "observation_indicator_yearly_totals_key_idx" ON "observation_indicator_yearly_totals" ("indicator_id", "year", "unit", "measure", "status");
