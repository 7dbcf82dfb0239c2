-- indicators → observations → conflicts and links, first: 2
-- 8 statements, in the order sent; parameters as $1…, their values under each statement.

-- 1 (planned for its values: sent with them written in, unprepared)
select "i"."id" as "id", "i"."code" as "code", "i"."domain" as "domain", "i"."unit" as "unit", "i"."kind" as "kind", "i"."name_zh" as "nameZh", "i"."name_en" as "nameEn", "i"."description_zh" as "descriptionZh", "i"."description_en" as "descriptionEn", "i"."retired_at" as "retiredAt", "i"."revision" as "revision", cast("i"."code" as text) as "__k0", cast("i"."id" as text) as "__k1" from (select * from "indicators" where "retired_at" is null) as "i" where (("i"."search_bigrams" @> (minsheng_bigrams($1)) and ("i"."name_zh" ilike $2 or "i"."name_en" ilike $3 or "i"."description_zh" ilike $4 or "i"."description_en" ilike $5))) order by ("i"."code") collate "C" asc, "i"."id" asc limit 3
--   $1 = "机构"
--   $2 = "%机构%"
--   $3 = "%机构%"
--   $4 = "%机构%"
--   $5 = "%机构%"

-- 2
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "o"."id" as "id", "o"."key" as "key", "o"."indicator_id" as "indicatorId", "o"."value" as "value", "o"."division_id" as "divisionId", "o"."facility_id" as "facilityId", "o"."program_id" as "programId", "o"."source_id" as "sourceId", "o"."quote" as "quote", "o"."conflict_group" as "conflictGroup", row_number() over (order by "o"."period_end" asc, "o"."id" asc) as "__rank" from (select * from "observations" where "retired_at" is null) as "o" where ("o"."indicator_id" = "__parent"."id") order by "o"."period_end" asc, "o"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [28,20]

-- 3
select "__parent"."id" as "__parent", (select count(*)::int from (select * from "observations" where "retired_at" is null) as "o" where ("o"."indicator_id" = "__parent"."id")) as "count" from unnest($1::int[]) as "__parent"("id")
--   $1 = [28,20]

-- 4
select "i"."id" as "id", "i"."code" as "code", "i"."domain" as "domain", "i"."unit" as "unit", "i"."kind" as "kind", "i"."name_zh" as "nameZh", "i"."name_en" as "nameEn", "i"."description_zh" as "descriptionZh", "i"."description_en" as "descriptionEn", "i"."retired_at" as "retiredAt", "i"."revision" as "revision" from (select * from "indicators" where "retired_at" is null) as "i" where "i"."id" = any($1::int[])
--   $1 = [28,20]

-- 5
select "d"."id" as "id", "d"."code" as "code", "d"."level" as "level", "d"."parent_id" as "parentId", "d"."name_zh" as "nameZh", "d"."name_en" as "nameEn", "d"."verified" as "verified", "d"."note" as "note", "d"."retired_at" as "retiredAt", "d"."revision" as "revision" from (select * from "divisions" where "retired_at" is null) as "d" where "d"."id" = $1
--   $1 = 1

-- 6
select "s"."id" as "id", "s"."slug" as "slug", "s"."title_zh" as "titleZh", "s"."title_en" as "titleEn", "s"."publisher_zh" as "publisherZh", "s"."publisher_en" as "publisherEn", "s"."published_on"::text as "publishedOn", "s"."url" as "url", "s"."licence" as "licence", "s"."note" as "note", "s"."retired_at" as "retiredAt", "s"."revision" as "revision" from (select * from "sources" where "retired_at" is null) as "s" where "s"."id" = $1
--   $1 = 1

-- 7
select "o"."id" as "id", "o"."key" as "key", "o"."indicator_id" as "indicatorId", "o"."value" as "value", "o"."qualifier" as "qualifier", "o"."unit" as "unit", "o"."measure" as "measure", "o"."status" as "status", "o"."period_start"::text as "periodStart", "o"."period_end"::text as "periodEnd", "o"."period_label_zh" as "periodLabelZh", "o"."period_label_en" as "periodLabelEn", "o"."label_zh" as "labelZh", "o"."label_en" as "labelEn", "o"."division_id" as "divisionId", "o"."facility_id" as "facilityId", "o"."program_id" as "programId", "o"."source_id" as "sourceId", "o"."quote" as "quote", "o"."conflict_group" as "conflictGroup", "o"."reported_in_domain" as "reportedInDomain", "o"."retired_at" as "retiredAt", "o"."revision" as "revision" from (select * from "observations" where "retired_at" is null) as "o" where "o"."conflict_group" = $1 order by "o"."key"
--   $1 = "elderly-care-institutions-at-report-date"

-- 8
select "p"."id" as "id", "p"."slug" as "slug", "p"."domain" as "domain", "p"."kind" as "kind", "p"."status" as "status", "p"."name_zh" as "nameZh", "p"."name_en" as "nameEn", "p"."description_zh" as "descriptionZh", "p"."description_en" as "descriptionEn", "p"."start_date"::text as "startDate", "p"."end_date"::text as "endDate", "p"."lead_organization_id" as "leadOrganizationId", "p"."division_id" as "divisionId", "p"."parent_id" as "parentId", "p"."retired_at" as "retiredAt", "p"."revision" as "revision" from (select * from "programs" where "retired_at" is null) as "p" where "p"."id" = $1
--   $1 = 26
