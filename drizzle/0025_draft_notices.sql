-- Live drafts (`subscription { draftChanges }`, src/writes/draftNotices.ts): a statement that proposes or decides
-- drafts sends, when its transaction commits (never if it rolls back), the ids of the drafts it wrote on the
-- channel "minsheng_drafts", every instance listening. At most 500 ids to a notice: a payload holds 8,000 bytes.
CREATE FUNCTION "drafts_written"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "ids" text;
BEGIN
  FOR "ids" IN
    SELECT string_agg("id"::text, ',' ORDER BY "id") FROM (SELECT "id", (row_number() OVER (ORDER BY "id") - 1) / 500 AS "batch" FROM "new_rows") AS "numbered"
    GROUP BY "batch"
  LOOP
    PERFORM pg_notify('minsheng_drafts', "ids");
  END LOOP;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "drafts_inserted" AFTER INSERT ON "drafts" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "drafts_written"();--> statement-breakpoint
CREATE TRIGGER "drafts_updated" AFTER UPDATE ON "drafts" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "drafts_written"();
