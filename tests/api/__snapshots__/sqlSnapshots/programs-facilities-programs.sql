-- programs → facilities → programs, three levels, first: 2
-- 10 statements, in the order sent; parameters as $1…, their values under each statement.

-- 1
select "p"."id" as "id", "p"."name_zh" as "nameZh", "p"."name_en" as "nameEn", "p"."lead_organization_id" as "leadOrganizationId", "p"."parent_id" as "parentId" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."kind" = any($1::text[])) order by ("p"."slug") collate "C" asc, "p"."id" asc limit 3
--   $1 = ["school_group","alliance"]

-- 2
select count(*)::int as "count" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."kind" = any($1::text[]))
--   $1 = ["school_group","alliance"]

-- 3
select "p"."id" as "id", "p"."slug" as "slug", "p"."domain" as "domain", "p"."kind" as "kind", "p"."status" as "status", "p"."name_zh" as "nameZh", "p"."name_en" as "nameEn", "p"."description_zh" as "descriptionZh", "p"."description_en" as "descriptionEn", "p"."start_date"::text as "startDate", "p"."end_date"::text as "endDate", "p"."lead_organization_id" as "leadOrganizationId", "p"."division_id" as "divisionId", "p"."parent_id" as "parentId", "p"."retired_at" as "retiredAt", "p"."revision" as "revision" from (select * from "programs" where "retired_at" is null) as "p" where "p"."id" = $1
--   $1 = 16

-- 4
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "f"."id" as "id", "f"."name_zh" as "nameZh", "f"."name_en" as "nameEn", "f"."division_id" as "divisionId", "f"."operator_id" as "operatorId", "pf"."role" as "role", row_number() over (order by ("f"."slug") collate "C" asc, "f"."id" asc, ("pf"."role") collate "C" asc) as "__rank" from (select * from "facilities" where "retired_at" is null) as "f" join "program_facilities" as "pf" on "pf"."facility_id" = "f"."id" where ("pf"."program_id" = "__parent"."id") order by ("f"."slug") collate "C" asc, "f"."id" asc, ("pf"."role") collate "C" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [38,35]

-- 5
select "__parent"."id" as "__parent", (select count(*)::int from (select * from "facilities" where "retired_at" is null) as "f" join "program_facilities" as "pf" on "pf"."facility_id" = "f"."id" where ("pf"."program_id" = "__parent"."id")) as "count" from unnest($1::int[]) as "__parent"("id")
--   $1 = [38,35]

-- 6
select "d"."id" as "id", "d"."code" as "code", "d"."level" as "level", "d"."parent_id" as "parentId", "d"."name_zh" as "nameZh", "d"."name_en" as "nameEn", "d"."verified" as "verified", "d"."note" as "note", "d"."retired_at" as "retiredAt", "d"."revision" as "revision" from (select * from "divisions" where "retired_at" is null) as "d" where "d"."id" = $1
--   $1 = 1

-- 7
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "p"."id" as "id", "p"."name_zh" as "nameZh", "p"."name_en" as "nameEn", row_number() over (order by ("p"."slug") collate "C" asc, "p"."id" asc) as "__rank" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."id" = any(array(select "program_facilities"."program_id" from "program_facilities" where "program_facilities"."facility_id" = "__parent"."id"))) order by ("p"."slug") collate "C" asc, "p"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [17,11]

-- 8
select "__parent"."id" as "__parent", (select count(*)::int from (select * from "programs" where "retired_at" is null) as "p" where ("p"."id" = any(array(select "program_facilities"."program_id" from "program_facilities" where "program_facilities"."facility_id" = "__parent"."id")))) as "count" from unnest($1::int[]) as "__parent"("id")
--   $1 = [17,11]

-- 9
select "program_citations"."program_id" as "parentId", "program_citations"."source_id" as "sourceId", "program_citations"."quote" as "quote" from "program_citations" where "program_citations"."program_id" = any($1::int[]) order by "program_citations"."program_id", "program_citations"."position"
--   $1 = [38,35]

-- 10
select "s"."id" as "id", "s"."slug" as "slug", "s"."title_zh" as "titleZh", "s"."title_en" as "titleEn", "s"."publisher_zh" as "publisherZh", "s"."publisher_en" as "publisherEn", "s"."published_on"::text as "publishedOn", "s"."url" as "url", "s"."licence" as "licence", "s"."note" as "note", "s"."retired_at" as "retiredAt", "s"."revision" as "revision" from (select * from "sources" where "retired_at" is null) as "s" where "s"."id" = $1
--   $1 = 1
