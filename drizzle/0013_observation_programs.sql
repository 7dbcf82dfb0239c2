-- Further programs a figure is about, beyond observations.program_id (one sentence can give one figure for two programs).
CREATE TABLE "observation_programs" (
	"observation_id" integer NOT NULL,
	"program_id" integer NOT NULL,
	CONSTRAINT "observation_programs_observation_id_program_id_pk" PRIMARY KEY("observation_id","program_id")
);
--> statement-breakpoint
ALTER TABLE "observation_programs" ADD CONSTRAINT "observation_programs_observation_id_observations_id_fk" FOREIGN KEY ("observation_id") REFERENCES "public"."observations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation_programs" ADD CONSTRAINT "observation_programs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "observation_programs_program_idx" ON "observation_programs" USING btree ("program_id","observation_id");