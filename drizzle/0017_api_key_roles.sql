CREATE TABLE "api_key_organizations" (
	"key_id" integer NOT NULL,
	"organization_id" integer NOT NULL,
	CONSTRAINT "api_key_organizations_key_id_organization_id_pk" PRIMARY KEY("key_id","organization_id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "role" text DEFAULT 'reader' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "domains" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "api_key_organizations" ADD CONSTRAINT "api_key_organizations_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_organizations" ADD CONSTRAINT "api_key_organizations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_key_organizations_organization_id_idx" ON "api_key_organizations" USING btree ("organization_id");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role_check" CHECK ("api_keys"."role" in ('reader', 'editor', 'publisher', 'admin'));--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_domains_check" CHECK ("api_keys"."domains" <@ array['culture', 'tourism', 'education', 'minor_protection', 'elderly_care', 'health']::text[]);