CREATE TABLE "organization_links" (
	"organization_id" integer NOT NULL,
	"position" integer NOT NULL,
	"facility_id" integer,
	"program_id" integer,
	"role" text NOT NULL,
	"source_id" integer NOT NULL,
	"quote" text NOT NULL,
	CONSTRAINT "organization_links_organization_id_position_pk" PRIMARY KEY("organization_id","position"),
	CONSTRAINT "organization_links_role_check" CHECK ("organization_links"."role" in ('organizer', 'host_platform', 'brought_in', 'spokesperson', 'photo_credit')),
	CONSTRAINT "organization_links_one_target_check" CHECK (("organization_links"."facility_id" is null) <> ("organization_links"."program_id" is null))
);
--> statement-breakpoint
ALTER TABLE "organization_links" ADD CONSTRAINT "organization_links_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_links" ADD CONSTRAINT "organization_links_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_links" ADD CONSTRAINT "organization_links_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_links" ADD CONSTRAINT "organization_links_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organization_links_facility_id_idx" ON "organization_links" USING btree ("facility_id");--> statement-breakpoint
CREATE INDEX "organization_links_program_id_idx" ON "organization_links" USING btree ("program_id");--> statement-breakpoint
CREATE INDEX "organization_links_source_id_idx" ON "organization_links" USING btree ("source_id");