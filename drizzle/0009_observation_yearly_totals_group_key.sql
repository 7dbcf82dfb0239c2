-- Aggregates no longer wait while a write commits: the yearly totals are refreshed CONCURRENTLY
-- (src/db/seed/writeSeeds.ts), so readers keep the totals they had until the write commits, instead of
-- waiting on the lock a plain REFRESH holds to the end of the write's transaction (1.1 s at 1M figures).
-- That needs a unique index on plain columns. Three of the group's ids and its conflict mark may be NULL,
-- which a unique index does not compare (and which would make the refresh rewrite every such group), so
-- the view gains group_key: the group's attributes as one text, a NULL as an empty part. The rest of the
-- view is as in 0008.
DROP MATERIALIZED VIEW "observation_yearly_totals";--> statement-breakpoint
CREATE MATERIALIZED VIEW "observation_yearly_totals" AS
SELECT "totals".*,
  format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', "indicator_id", "division_id", "facility_id", "program_id", "year",
    "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL) AS "group_key"
FROM (
  SELECT "indicator_id", "division_id", "facility_id", "program_id", extract(year from "period_end")::int AS "year",
    "unit", "measure", "status", "qualifier", CASE WHEN "conflict_group" IS NULL THEN NULL ELSE '' END AS "conflict_group",
    count(*)::int AS "count", sum("value") AS "sum", min("value") AS "min", max("value") AS "max"
  FROM "observations"
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
) AS "totals";--> statement-breakpoint
CREATE UNIQUE INDEX "observation_yearly_totals_group_key_idx" ON "observation_yearly_totals" ("group_key");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_indicator_idx" ON "observation_yearly_totals" ("indicator_id", "year");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_division_idx" ON "observation_yearly_totals" ("division_id");--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_facility_idx" ON "observation_yearly_totals" ("facility_id") WHERE "facility_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "observation_yearly_totals_program_idx" ON "observation_yearly_totals" ("program_id") WHERE "program_id" IS NOT NULL;
