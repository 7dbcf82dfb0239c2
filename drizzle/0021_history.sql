ALTER TABLE "dataset_state" ADD COLUMN "history_since" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_log_record_idx" ON "audit_log" USING btree ("kind","key","revision");--> statement-breakpoint
-- History: every state the published data has been in, by data version, so that any read can be made again
-- at a version a client saw (`query @asOf(version: …)`), and so that each record's revisions and the change
-- feed can be listed. Each table reads touch gets a twin in the "history" schema: its columns, plus the first
-- data version a row state belongs to ("valid_from") and the version that replaced it ("valid_to", null while
-- it is current). Statement triggers keep the twins as the tables are written, in the write's transaction;
-- the "as_of" schema has a view per table showing the rows of the version in "minsheng.as_of", so a read
-- runs unchanged with `search_path = as_of, public` (src/db/pastRead.ts).
--
-- The data version a transaction's writes make is taken by its first write that needs one (and the
-- dataset_state row stays locked until it ends): versions are given in commit order, one per transaction.
CREATE SCHEMA "history";--> statement-breakpoint
CREATE SCHEMA "as_of";--> statement-breakpoint
-- When each data version was made: a record's revisions and the change feed say when.
CREATE TABLE "history"."versions" ("version" bigint PRIMARY KEY, "at" timestamp with time zone NOT NULL DEFAULT now());--> statement-breakpoint
INSERT INTO "history"."versions" SELECT "data_version", "changed_at" FROM "dataset_state" WHERE "data_version" > 0;--> statement-breakpoint
CREATE FUNCTION "minsheng_writing_version"() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  "version" bigint := nullif(current_setting('minsheng.writing_version', true), '')::bigint;
BEGIN
  IF "version" IS NULL THEN
    INSERT INTO "public"."dataset_state" ("singleton", "data_version") VALUES (true, 1)
      ON CONFLICT ("singleton") DO UPDATE SET "data_version" = "dataset_state"."data_version" + 1, "changed_at" = now()
      RETURNING "data_version" INTO "version";
    PERFORM set_config('minsheng.writing_version', "version"::text, true);
    INSERT INTO "history"."versions" ("version") VALUES ("version");
    -- Delivered when the transaction commits (never if it rolls back): every instance listening reads the
    -- new version at once, its caches and live change streams follow (src/cache/dataVersion.ts).
    PERFORM pg_notify('minsheng_data_version', "version"::text);
  END IF;
  RETURN "version";
END
$$;--> statement-breakpoint
CREATE FUNCTION "minsheng_as_of"() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT current_setting('minsheng.as_of')::bigint $$;--> statement-breakpoint
CREATE FUNCTION "history_capture"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "version" bigint;
  "columns" text;
  "same_key" text;
  "twin" text := format('"history".%I', TG_TABLE_NAME);
BEGIN
  -- An upsert that changed nothing fires the trigger too, with no rows. Each transition table is named only
  -- where it exists (a statement is parsed when it runs).
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM "new_rows") THEN RETURN NULL; END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM "old_rows") THEN
    RETURN NULL;
  END IF;
  "version" := "public"."minsheng_writing_version"();
  SELECT string_agg(format('%I', "attname"), ', ' ORDER BY "attnum") INTO "columns"
    FROM pg_attribute WHERE "attrelid" = TG_RELID AND "attnum" > 0 AND NOT "attisdropped";
  -- The key columns are the trigger's arguments; a nullable one (in a rollup's key) matches null to null.
  SELECT string_agg(CASE WHEN "a"."attnotnull" THEN format('"h".%1$I = "o".%1$I', "k") ELSE format('"h".%1$I IS NOT DISTINCT FROM "o".%1$I', "k") END, ' AND ')
    INTO "same_key" FROM unnest(TG_ARGV) AS "k" JOIN pg_attribute AS "a" ON "a"."attrelid" = TG_RELID AND "a"."attname" = "k";
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    -- A state written earlier in this same version was never seen by anyone: it is replaced, not kept.
    EXECUTE format('DELETE FROM %s AS "h" USING "old_rows" AS "o" WHERE %s AND "h"."valid_from" = $1', "twin", "same_key") USING "version";
    EXECUTE format('UPDATE %s AS "h" SET "valid_to" = $1 FROM "old_rows" AS "o" WHERE %s AND "h"."valid_to" IS NULL', "twin", "same_key") USING "version";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO %s (%s, "valid_from") SELECT %s, $1 FROM "new_rows"', "twin", "columns", "columns") USING "version";
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Keeps the history of one table from now on: its twin (with its indexes, none unique), the triggers, the
-- view of a past version, and its rows as they are, valid from the current data version.
CREATE FUNCTION "history_track"("table_name" text, "key_columns" text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  "definition" text;
  "columns" text;
  "arguments" text;
BEGIN
  EXECUTE format('CREATE TABLE "history".%1$I (LIKE "public".%1$I)', "table_name");
  EXECUTE format('ALTER TABLE "history".%I ADD COLUMN "valid_from" bigint NOT NULL, ADD COLUMN "valid_to" bigint', "table_name");
  FOR "definition" IN
    SELECT pg_get_indexdef("indexrelid") FROM pg_index WHERE "indrelid" = format('"public".%I', "table_name")::regclass
  LOOP
    EXECUTE regexp_replace("definition", '^CREATE (UNIQUE )?INDEX (\S+) ON (public|"public")\.', 'CREATE INDEX \2 ON "history".');
  END LOOP;
  EXECUTE format('CREATE INDEX %I ON "history".%I ("valid_from")', "table_name" || '_valid_from_idx', "table_name");
  SELECT string_agg(format('%I', "attname"), ', ' ORDER BY "attnum") INTO "columns" FROM pg_attribute
    WHERE "attrelid" = format('"public".%I', "table_name")::regclass AND "attnum" > 0 AND NOT "attisdropped";
  EXECUTE format('INSERT INTO "history".%1$I (%2$s, "valid_from") SELECT %2$s, coalesce((SELECT "data_version" FROM "public"."dataset_state"), 0) FROM "public".%1$I',
    "table_name", "columns");
  SELECT string_agg(quote_literal("k"), ', ') INTO "arguments" FROM unnest("key_columns") AS "k";
  EXECUTE format('CREATE TRIGGER "history_inserted" AFTER INSERT ON "public".%I REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "public"."history_capture"(%s)', "table_name", "arguments");
  EXECUTE format('CREATE TRIGGER "history_updated" AFTER UPDATE ON "public".%I REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "public"."history_capture"(%s)', "table_name", "arguments");
  EXECUTE format('CREATE TRIGGER "history_deleted" AFTER DELETE ON "public".%I REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "public"."history_capture"(%s)', "table_name", "arguments");
  EXECUTE format('CREATE VIEW "as_of".%1$I AS SELECT %2$s FROM "history".%1$I WHERE "valid_from" <= "public"."minsheng_as_of"() AND ("valid_to" IS NULL OR "valid_to" > "public"."minsheng_as_of"())',
    "table_name", "columns");
END
$$;--> statement-breakpoint
SELECT "history_track"('divisions', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('organizations', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('organization_citations', ARRAY['organization_id', 'position']);--> statement-breakpoint
SELECT "history_track"('organization_links', ARRAY['organization_id', 'position']);--> statement-breakpoint
SELECT "history_track"('sources', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('facilities', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('facility_citations', ARRAY['facility_id', 'position']);--> statement-breakpoint
SELECT "history_track"('programs', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('program_facilities', ARRAY['program_id', 'facility_id', 'role']);--> statement-breakpoint
SELECT "history_track"('program_citations', ARRAY['program_id', 'position']);--> statement-breakpoint
SELECT "history_track"('indicators', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('observations', ARRAY['id']);--> statement-breakpoint
SELECT "history_track"('observation_programs', ARRAY['observation_id', 'program_id']);--> statement-breakpoint
SELECT "history_track"('observation_yearly_totals', ARRAY['group_key']);--> statement-breakpoint
SELECT "history_track"('observation_indicator_yearly_totals', ARRAY['indicator_id', 'year', 'unit', 'measure', 'status', 'qualifier', 'conflicting', 'reported_in_domain']);--> statement-breakpoint
SELECT "history_track"('published_records', ARRAY['kind', 'key']);--> statement-breakpoint
UPDATE "dataset_state" SET "history_since" = "data_version";
