DROP INDEX "observations_division_id_idx";--> statement-breakpoint
CREATE INDEX "observations_division_id_idx" ON "observations" USING btree ("division_id","period_end","id");