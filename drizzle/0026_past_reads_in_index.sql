-- A past read (src/db/pastRead.ts) keeps, of each twin's row states, those of its version: valid_from <= v and
-- valid_to null or > v. Checked only once a state was read from the table, a page of figures at a version read
-- every state of each of them first (after ten revisions, four times the time of the same page now). So every
-- btree index of a twin ends with the two versions (valid_to as coalesce(valid_to, the largest bigint), which
-- the views' condition now matches), and the states of other versions are passed over inside the index.
CREATE FUNCTION "history_versioned_index"("definition" text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  "opening" int := strpos("definition", 'USING btree (');
  "at" int;
  "depth" int := 1;
BEGIN
  IF "opening" = 0 THEN
    RETURN NULL; -- not a btree index (the bigram GIN indexes): left as it is
  END IF;
  "at" := "opening" + length('USING btree (');
  WHILE "depth" > 0 LOOP
    IF substr("definition", "at", 1) = '(' THEN
      "depth" := "depth" + 1;
    ELSIF substr("definition", "at", 1) = ')' THEN
      "depth" := "depth" - 1;
    END IF;
    "at" := "at" + 1;
  END LOOP;
  -- "at" - 1 is the key columns' closing parenthesis.
  RETURN substr("definition", 1, "at" - 2) || ', valid_from, (COALESCE(valid_to, ''9223372036854775807''::bigint))' || substr("definition", "at" - 1);
END
$$;--> statement-breakpoint
DO $$
DECLARE
  "index" record;
  "view" record;
  "columns" text;
BEGIN
  FOR "index" IN
    SELECT "i"."indexrelid"::regclass AS "name", pg_get_indexdef("i"."indexrelid") AS "definition"
    FROM pg_index AS "i" JOIN pg_class AS "t" ON "t"."oid" = "i"."indrelid" JOIN pg_namespace AS "n" ON "n"."oid" = "t"."relnamespace"
    JOIN pg_class AS "x" ON "x"."oid" = "i"."indexrelid" JOIN pg_am AS "a" ON "a"."oid" = "x"."relam"
    WHERE "n"."nspname" = 'history' AND "a"."amname" = 'btree' AND "t"."relname" <> 'versions' AND "x"."relname" NOT LIKE '%\_valid\_from\_idx'
  LOOP
    EXECUTE format('DROP INDEX %s', "index"."name");
    EXECUTE "public"."history_versioned_index"("index"."definition");
  END LOOP;
  FOR "view" IN SELECT "table_name" FROM information_schema.views WHERE "table_schema" = 'as_of' LOOP
    SELECT string_agg(format('%I', "attname"), ', ' ORDER BY "attnum") INTO "columns" FROM pg_attribute
      WHERE "attrelid" = format('"as_of".%I', "view"."table_name")::regclass AND "attnum" > 0 AND NOT "attisdropped";
    EXECUTE format('CREATE OR REPLACE VIEW "as_of".%1$I AS SELECT %2$s FROM "history".%1$I WHERE "valid_from" <= "public"."minsheng_as_of"() AND coalesce("valid_to", 9223372036854775807) > "public"."minsheng_as_of"()',
      "view"."table_name", "columns");
  END LOOP;
END
$$;--> statement-breakpoint
-- Tables tracked from now on get their twin's indexes and view the same way.
CREATE OR REPLACE FUNCTION "history_track"("table_name" text, "key_columns" text[]) RETURNS void LANGUAGE plpgsql AS $$
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
    "definition" := regexp_replace("definition", '^CREATE (UNIQUE )?INDEX (\S+) ON (public|"public")\.', 'CREATE INDEX \2 ON "history".');
    EXECUTE coalesce("public"."history_versioned_index"("definition"), "definition");
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
  EXECUTE format('CREATE VIEW "as_of".%1$I AS SELECT %2$s FROM "history".%1$I WHERE "valid_from" <= "public"."minsheng_as_of"() AND coalesce("valid_to", 9223372036854775807) > "public"."minsheng_as_of"()',
    "table_name", "columns");
END
$$;
