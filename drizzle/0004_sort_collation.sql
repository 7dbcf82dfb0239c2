DROP INDEX "facilities_name_zh_idx";--> statement-breakpoint
DROP INDEX "facilities_name_en_idx";--> statement-breakpoint
DROP INDEX "programs_name_zh_idx";--> statement-breakpoint
DROP INDEX "programs_name_en_idx";--> statement-breakpoint
DROP INDEX "observations_key_idx";--> statement-breakpoint
CREATE INDEX "divisions_code_c_idx" ON "divisions" USING btree ("code" collate "C","id");--> statement-breakpoint
CREATE INDEX "organizations_slug_c_idx" ON "organizations" USING btree ("slug" collate "C","id");--> statement-breakpoint
CREATE INDEX "facilities_slug_c_idx" ON "facilities" USING btree ("slug" collate "C","id");--> statement-breakpoint
CREATE INDEX "facilities_name_zh_c_idx" ON "facilities" USING btree ("name_zh" collate "C","id");--> statement-breakpoint
CREATE INDEX "facilities_name_en_c_idx" ON "facilities" USING btree ("name_en" collate "C","id");--> statement-breakpoint
CREATE INDEX "programs_slug_c_idx" ON "programs" USING btree ("slug" collate "C","id");--> statement-breakpoint
CREATE INDEX "programs_name_zh_c_idx" ON "programs" USING btree ("name_zh" collate "C","id");--> statement-breakpoint
CREATE INDEX "programs_name_en_c_idx" ON "programs" USING btree ("name_en" collate "C","id");--> statement-breakpoint
CREATE INDEX "indicators_code_c_idx" ON "indicators" USING btree ("code" collate "C","id");--> statement-breakpoint
CREATE INDEX "observations_key_c_idx" ON "observations" USING btree ("key" collate "C","id");