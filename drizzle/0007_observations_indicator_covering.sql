-- An indicator's figures by period, carrying value and unit: aggregates over an indicator (sum, avg, units
-- by year) read the index alone, without visiting the table (3.0 → 1.6 ms over 5,040 figures at 1M).
-- Drizzle's index builder has no INCLUDE, so this one is written by hand; the schema declares the key columns.
DROP INDEX "observations_indicator_id_idx";--> statement-breakpoint
CREATE INDEX "observations_indicator_id_idx" ON "observations" USING btree ("indicator_id","period_end","id") INCLUDE ("value","unit");
