CREATE TABLE "import_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"principal" text NOT NULL,
	"kind" text NOT NULL,
	"publish" boolean DEFAULT false NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"state" text NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"problem_count" integer DEFAULT 0 NOT NULL,
	"outcome" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_jobs_state_check" CHECK ("import_jobs"."state" in ('validating', 'invalid', 'applying', 'done', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "import_jobs_principal_idx" ON "import_jobs" USING btree ("principal","created_at");