ALTER TABLE "divisions" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (minsheng_bigrams(coalesce("name_zh", '') || ' ' || coalesce("name_en", ''))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (minsheng_bigrams(coalesce("name_zh", '') || ' ' || coalesce("name_en", ''))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "facilities" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (minsheng_bigrams(coalesce("name_zh", '') || ' ' || coalesce("name_en", '') || ' ' || coalesce("description_zh", '') || ' ' || coalesce("description_en", ''))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "programs" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (minsheng_bigrams(coalesce("name_zh", '') || ' ' || coalesce("name_en", '') || ' ' || coalesce("description_zh", '') || ' ' || coalesce("description_en", ''))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "indicators" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (minsheng_bigrams(coalesce("name_zh", '') || ' ' || coalesce("name_en", '') || ' ' || coalesce("description_zh", '') || ' ' || coalesce("description_en", ''))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (minsheng_bigrams(coalesce("label_zh", '') || ' ' || coalesce("label_en", '') || ' ' || coalesce("quote", ''))) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "divisions_search_bigrams_idx" ON "divisions" USING gin ("search_bigrams");--> statement-breakpoint
CREATE INDEX "organizations_search_bigrams_idx" ON "organizations" USING gin ("search_bigrams");--> statement-breakpoint
CREATE INDEX "facilities_search_bigrams_idx" ON "facilities" USING gin ("search_bigrams");--> statement-breakpoint
CREATE INDEX "facilities_latitude_longitude_idx" ON "facilities" USING btree ("latitude","longitude");--> statement-breakpoint
CREATE INDEX "programs_search_bigrams_idx" ON "programs" USING gin ("search_bigrams");--> statement-breakpoint
CREATE INDEX "programs_start_date_nulls_last_idx" ON "programs" USING btree (coalesce("start_date", 'infinity'::date),"id");--> statement-breakpoint
CREATE INDEX "indicators_unit_idx" ON "indicators" USING btree ("unit","id");--> statement-breakpoint
CREATE INDEX "indicators_search_bigrams_idx" ON "indicators" USING gin ("search_bigrams");--> statement-breakpoint
CREATE INDEX "observations_measure_idx" ON "observations" USING btree ("measure","id");--> statement-breakpoint
CREATE INDEX "observations_status_idx" ON "observations" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "observations_key_idx" ON "observations" USING btree ("key","id");--> statement-breakpoint
CREATE INDEX "observations_search_bigrams_idx" ON "observations" USING gin ("search_bigrams");