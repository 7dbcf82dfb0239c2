CREATE TABLE "divisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "divisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"level" text NOT NULL,
	"parent_id" integer,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"verified" boolean NOT NULL,
	"note" text,
	CONSTRAINT "divisions_code_unique" UNIQUE("code"),
	CONSTRAINT "divisions_level_check" CHECK ("divisions"."level" in ('district', 'subdistrict', 'town', 'community'))
);
--> statement-breakpoint
CREATE TABLE "organization_citations" (
	"organization_id" integer NOT NULL,
	"position" integer NOT NULL,
	"source_id" integer NOT NULL,
	"quote" text NOT NULL,
	CONSTRAINT "organization_citations_organization_id_position_pk" PRIMARY KEY("organization_id","position")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "organizations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"kind" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"division_id" integer,
	CONSTRAINT "organizations_slug_unique" UNIQUE("slug"),
	CONSTRAINT "organizations_kind_check" CHECK ("organizations"."kind" in ('government', 'party_committee', 'public_institution', 'enterprise', 'social_organization', 'coordinating_body', 'other'))
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sources_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"title_zh" text NOT NULL,
	"title_en" text NOT NULL,
	"publisher_zh" text,
	"publisher_en" text,
	"published_on" date,
	"url" text,
	"licence" text,
	"note" text,
	CONSTRAINT "sources_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "facilities" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "facilities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"category" text NOT NULL,
	"domain" text NOT NULL,
	"status" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"description_zh" text,
	"description_en" text,
	"division_id" integer,
	"operator_id" integer,
	"address_zh" text,
	"address_en" text,
	"longitude" double precision,
	"latitude" double precision,
	"location_precision" text,
	CONSTRAINT "facilities_slug_unique" UNIQUE("slug"),
	CONSTRAINT "facilities_category_check" CHECK ("facilities"."category" in ('school', 'school_campus', 'museum', 'art_gallery', 'cultural_center', 'library', 'theater', 'stage', 'scenic_area', 'camp', 'film_base', 'wellness_resort', 'rural_complex', 'elderly_care_home', 'elderly_care_center', 'elderly_canteen', 'community_health_center', 'community_health_station', 'other')),
	CONSTRAINT "facilities_domain_check" CHECK ("facilities"."domain" in ('culture', 'tourism', 'education', 'minor_protection', 'elderly_care', 'health')),
	CONSTRAINT "facilities_status_check" CHECK ("facilities"."status" in ('open', 'under_construction', 'planned')),
	CONSTRAINT "facilities_longitude_check" CHECK ("facilities"."longitude" between -180 and 180),
	CONSTRAINT "facilities_latitude_check" CHECK ("facilities"."latitude" between -90 and 90),
	CONSTRAINT "facilities_location_complete_check" CHECK (("facilities"."longitude" is null) = ("facilities"."latitude" is null) and ("facilities"."longitude" is null or "facilities"."location_precision" is not null))
);
--> statement-breakpoint
CREATE TABLE "facility_citations" (
	"facility_id" integer NOT NULL,
	"position" integer NOT NULL,
	"source_id" integer NOT NULL,
	"quote" text NOT NULL,
	CONSTRAINT "facility_citations_facility_id_position_pk" PRIMARY KEY("facility_id","position")
);
--> statement-breakpoint
CREATE TABLE "program_citations" (
	"program_id" integer NOT NULL,
	"position" integer NOT NULL,
	"source_id" integer NOT NULL,
	"quote" text NOT NULL,
	CONSTRAINT "program_citations_program_id_position_pk" PRIMARY KEY("program_id","position")
);
--> statement-breakpoint
CREATE TABLE "program_facilities" (
	"program_id" integer NOT NULL,
	"facility_id" integer NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "program_facilities_program_id_facility_id_role_pk" PRIMARY KEY("program_id","facility_id","role"),
	CONSTRAINT "program_facilities_role_check" CHECK ("program_facilities"."role" in ('lead', 'member', 'venue', 'provider', 'beneficiary', 'recipient'))
);
--> statement-breakpoint
CREATE TABLE "programs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "programs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"domain" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"description_zh" text,
	"description_en" text,
	"start_date" date,
	"end_date" date,
	"lead_organization_id" integer,
	"division_id" integer,
	"parent_id" integer,
	CONSTRAINT "programs_slug_unique" UNIQUE("slug"),
	CONSTRAINT "programs_domain_check" CHECK ("programs"."domain" in ('culture', 'tourism', 'education', 'minor_protection', 'elderly_care', 'health')),
	CONSTRAINT "programs_kind_check" CHECK ("programs"."kind" in ('initiative', 'service', 'event_series', 'event', 'campaign', 'school_group', 'alliance', 'award', 'policy', 'standard', 'platform', 'project')),
	CONSTRAINT "programs_status_check" CHECK ("programs"."status" in ('ongoing', 'completed', 'planned')),
	CONSTRAINT "programs_dates_check" CHECK ("programs"."start_date" <= "programs"."end_date"),
	CONSTRAINT "programs_not_own_parent_check" CHECK ("programs"."parent_id" <> "programs"."id")
);
--> statement-breakpoint
CREATE TABLE "indicators" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "indicators_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"domain" text NOT NULL,
	"unit" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"description_zh" text,
	"description_en" text,
	CONSTRAINT "indicators_code_unique" UNIQUE("code"),
	CONSTRAINT "indicators_domain_check" CHECK ("indicators"."domain" in ('culture', 'tourism', 'education', 'minor_protection', 'elderly_care', 'health')),
	CONSTRAINT "indicators_unit_check" CHECK ("indicators"."unit" in ('cny', 'percent', 'person', 'person_time', 'household', 'bed', 'institution', 'facility', 'school', 'school_place', 'event', 'document', 'year', 'edition', 'count'))
);
--> statement-breakpoint
CREATE TABLE "observations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "observations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"indicator_id" integer NOT NULL,
	"value" double precision NOT NULL,
	"qualifier" text NOT NULL,
	"unit" text NOT NULL,
	"measure" text NOT NULL,
	"status" text NOT NULL,
	"period_start" date,
	"period_end" date NOT NULL,
	"period_label_zh" text,
	"period_label_en" text,
	"label_zh" text,
	"label_en" text,
	"division_id" integer,
	"facility_id" integer,
	"program_id" integer,
	"source_id" integer NOT NULL,
	"quote" text NOT NULL,
	"conflict_group" text,
	CONSTRAINT "observations_key_unique" UNIQUE("key"),
	CONSTRAINT "observations_qualifier_check" CHECK ("observations"."qualifier" in ('exact', 'approximate', 'nearly', 'at_least', 'at_most')),
	CONSTRAINT "observations_unit_check" CHECK ("observations"."unit" in ('cny', 'percent', 'person', 'person_time', 'household', 'bed', 'institution', 'facility', 'school', 'school_place', 'event', 'document', 'year', 'edition', 'count')),
	CONSTRAINT "observations_measure_check" CHECK ("observations"."measure" in ('level', 'count', 'cumulative', 'yoy_change', 'share')),
	CONSTRAINT "observations_status_check" CHECK ("observations"."status" in ('actual', 'planned')),
	CONSTRAINT "observations_period_check" CHECK ("observations"."period_start" <= "observations"."period_end")
);
--> statement-breakpoint
CREATE TABLE "dataset_state" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"data_version" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_state_singleton_check" CHECK ("dataset_state"."singleton")
);
--> statement-breakpoint
ALTER TABLE "divisions" ADD CONSTRAINT "divisions_parent_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."divisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_citations" ADD CONSTRAINT "organization_citations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_citations" ADD CONSTRAINT "organization_citations_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facilities" ADD CONSTRAINT "facilities_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facilities" ADD CONSTRAINT "facilities_operator_id_organizations_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facility_citations" ADD CONSTRAINT "facility_citations_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facility_citations" ADD CONSTRAINT "facility_citations_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "program_citations" ADD CONSTRAINT "program_citations_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "program_citations" ADD CONSTRAINT "program_citations_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "program_facilities" ADD CONSTRAINT "program_facilities_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "program_facilities" ADD CONSTRAINT "program_facilities_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programs" ADD CONSTRAINT "programs_lead_organization_id_organizations_id_fk" FOREIGN KEY ("lead_organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programs" ADD CONSTRAINT "programs_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programs" ADD CONSTRAINT "programs_parent_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_indicator_id_indicators_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "divisions_parent_id_idx" ON "divisions" USING btree ("parent_id","id");--> statement-breakpoint
CREATE INDEX "divisions_level_idx" ON "divisions" USING btree ("level","id");--> statement-breakpoint
CREATE INDEX "organization_citations_source_id_idx" ON "organization_citations" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "organizations_kind_idx" ON "organizations" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "organizations_division_id_idx" ON "organizations" USING btree ("division_id","id");--> statement-breakpoint
CREATE INDEX "facilities_category_idx" ON "facilities" USING btree ("category","id");--> statement-breakpoint
CREATE INDEX "facilities_domain_idx" ON "facilities" USING btree ("domain","id");--> statement-breakpoint
CREATE INDEX "facilities_status_idx" ON "facilities" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "facilities_division_id_idx" ON "facilities" USING btree ("division_id","id");--> statement-breakpoint
CREATE INDEX "facilities_operator_id_idx" ON "facilities" USING btree ("operator_id","id");--> statement-breakpoint
CREATE INDEX "facilities_name_zh_idx" ON "facilities" USING btree ("name_zh","id");--> statement-breakpoint
CREATE INDEX "facilities_name_en_idx" ON "facilities" USING btree ("name_en","id");--> statement-breakpoint
CREATE INDEX "facility_citations_source_id_idx" ON "facility_citations" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "program_citations_source_id_idx" ON "program_citations" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "program_facilities_facility_id_idx" ON "program_facilities" USING btree ("facility_id","program_id");--> statement-breakpoint
CREATE INDEX "programs_domain_idx" ON "programs" USING btree ("domain","id");--> statement-breakpoint
CREATE INDEX "programs_kind_idx" ON "programs" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "programs_status_idx" ON "programs" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "programs_lead_organization_id_idx" ON "programs" USING btree ("lead_organization_id","id");--> statement-breakpoint
CREATE INDEX "programs_parent_id_idx" ON "programs" USING btree ("parent_id","id");--> statement-breakpoint
CREATE INDEX "programs_division_id_idx" ON "programs" USING btree ("division_id","id");--> statement-breakpoint
CREATE INDEX "programs_start_date_idx" ON "programs" USING btree ("start_date","id");--> statement-breakpoint
CREATE INDEX "programs_name_zh_idx" ON "programs" USING btree ("name_zh","id");--> statement-breakpoint
CREATE INDEX "programs_name_en_idx" ON "programs" USING btree ("name_en","id");--> statement-breakpoint
CREATE INDEX "indicators_domain_idx" ON "indicators" USING btree ("domain","id");--> statement-breakpoint
CREATE INDEX "observations_indicator_id_idx" ON "observations" USING btree ("indicator_id","period_end","id");--> statement-breakpoint
CREATE INDEX "observations_division_id_idx" ON "observations" USING btree ("division_id","id");--> statement-breakpoint
CREATE INDEX "observations_facility_id_idx" ON "observations" USING btree ("facility_id","id");--> statement-breakpoint
CREATE INDEX "observations_program_id_idx" ON "observations" USING btree ("program_id","id");--> statement-breakpoint
CREATE INDEX "observations_source_id_idx" ON "observations" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "observations_period_end_idx" ON "observations" USING btree ("period_end","id");--> statement-breakpoint
CREATE INDEX "observations_value_idx" ON "observations" USING btree ("value","id");--> statement-breakpoint
CREATE INDEX "observations_conflict_group_idx" ON "observations" USING btree ("conflict_group");