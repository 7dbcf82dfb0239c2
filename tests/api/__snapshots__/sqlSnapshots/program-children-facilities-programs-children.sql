-- program → children → facilities → programs → children, first: 2
-- 5 statements, in the order sent; parameters as $1…, their values under each statement.

-- 1
select case when coalesce("__page"."__rank", 1) = 1 then to_json("__parent") end as "__row", "__page".* from (select "p"."id" as "id", "p"."slug" as "slug", "p"."domain" as "domain", "p"."kind" as "kind", "p"."status" as "status", "p"."name_zh" as "nameZh", "p"."name_en" as "nameEn", "p"."description_zh" as "descriptionZh", "p"."description_en" as "descriptionEn", "p"."start_date"::text as "startDate", "p"."end_date"::text as "endDate", "p"."lead_organization_id" as "leadOrganizationId", "p"."division_id" as "divisionId", "p"."parent_id" as "parentId", "p"."retired_at" as "retiredAt", "p"."revision" as "revision" from (select * from "programs" where "retired_at" is null) as "p" where "p"."slug" = $1) as "__parent" left join lateral (select "p"."id" as "id", "p"."slug" as "slug", "p"."lead_organization_id" as "leadOrganizationId", row_number() over (order by ("p"."slug") collate "C" asc, "p"."id" asc) as "__rank" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."parent_id" = "__parent"."id") order by ("p"."slug") collate "C" asc, "p"."id" asc limit 3) as "__page" on true order by "__page"."__rank"
--   $1 = "one-plus-four-school-group-model"

-- 2
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "f"."id" as "id", "f"."slug" as "slug", "pf"."role" as "role", row_number() over (order by ("f"."slug") collate "C" asc, "f"."id" asc, ("pf"."role") collate "C" asc) as "__rank" from (select * from "facilities" where "retired_at" is null) as "f" join "program_facilities" as "pf" on "pf"."facility_id" = "f"."id" where ("pf"."program_id" = "__parent"."id") order by ("f"."slug") collate "C" asc, "f"."id" asc, ("pf"."role") collate "C" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [38,35]

-- 3
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "p"."id" as "id", "p"."slug" as "slug", row_number() over (order by ("p"."slug") collate "C" asc, "p"."id" asc) as "__rank" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."id" = any(array(select "program_facilities"."program_id" from "program_facilities" where "program_facilities"."facility_id" = "__parent"."id"))) order by ("p"."slug") collate "C" asc, "p"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [17,11]

-- 4
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "p"."id" as "id", row_number() over (order by ("p"."slug") collate "C" asc, "p"."id" asc) as "__rank" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."parent_id" = "__parent"."id") order by ("p"."slug") collate "C" asc, "p"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [38,35]

-- 5
select "__parent"."id" as "__parent", (select count(*)::int from (select * from "programs" where "retired_at" is null) as "p" where ("p"."parent_id" = "__parent"."id")) as "count" from unnest($1::int[]) as "__parent"("id")
--   $1 = [38,35]
