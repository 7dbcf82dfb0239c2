-- A record removed from its seed file is retired, not deleted (src/db/tables/retirement.ts): null while it is live.
-- Every read now asks for "retired_at" IS NULL; the columns are analyzed at once, as without statistics the planner
-- would take that condition to keep 0.5 % of the rows and plan every query for far fewer rows than there are.
ALTER TABLE "divisions" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "facilities" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "programs" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "indicators" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ANALYZE "divisions" ("retired_at");--> statement-breakpoint
ANALYZE "organizations" ("retired_at");--> statement-breakpoint
ANALYZE "sources" ("retired_at");--> statement-breakpoint
ANALYZE "facilities" ("retired_at");--> statement-breakpoint
ANALYZE "programs" ("retired_at");--> statement-breakpoint
ANALYZE "indicators" ("retired_at");--> statement-breakpoint
ANALYZE "observations" ("retired_at");
