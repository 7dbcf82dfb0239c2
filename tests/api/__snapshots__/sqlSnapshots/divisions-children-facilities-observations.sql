-- divisions → children → facilities, with observations, first: 2
-- 5 statements, in the order sent; parameters as $1…, their values under each statement.

-- 1
select "d"."id" as "id", "d"."code" as "code", "d"."level" as "level", "d"."parent_id" as "parentId", "d"."name_zh" as "nameZh", "d"."name_en" as "nameEn", "d"."verified" as "verified", "d"."note" as "note", "d"."retired_at" as "retiredAt", "d"."revision" as "revision", cast("d"."code" as text) as "__k0", cast("d"."id" as text) as "__k1" from (select * from "divisions" where "retired_at" is null) as "d" where ("d"."level" = any($1::text[])) order by ("d"."code") collate "C" asc, "d"."id" asc limit 3
--   $1 = ["district","subdistrict"]

-- 2
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "d"."id" as "id", "d"."code" as "code", "d"."level" as "level", "d"."parent_id" as "parentId", "d"."name_zh" as "nameZh", "d"."name_en" as "nameEn", "d"."verified" as "verified", "d"."note" as "note", "d"."retired_at" as "retiredAt", "d"."revision" as "revision", cast("d"."code" as text) as "__k0", cast("d"."id" as text) as "__k1", row_number() over (order by ("d"."code") collate "C" asc, "d"."id" asc) as "__rank" from (select * from "divisions" where "retired_at" is null) as "d" where ("d"."parent_id" = "__parent"."id") order by ("d"."code") collate "C" asc, "d"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [1,2]

-- 3
select "d"."id" as "id", "d"."code" as "code", "d"."level" as "level", "d"."parent_id" as "parentId", "d"."name_zh" as "nameZh", "d"."name_en" as "nameEn", "d"."verified" as "verified", "d"."note" as "note", "d"."retired_at" as "retiredAt", "d"."revision" as "revision" from (select * from "divisions" where "retired_at" is null) as "d" where "d"."id" = $1
--   $1 = 1

-- 4
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "f"."id" as "id", "f"."slug" as "slug", row_number() over (order by ("f"."slug") collate "C" asc, "f"."id" asc) as "__rank" from (select * from "facilities" where "retired_at" is null) as "f" where ("f"."division_id" = any(array(with recursive "subtree"("id") as ( select "divisions"."id" from "divisions" where "divisions"."id" = "__parent"."id" union all select "child"."id" from "divisions" as "child" join "subtree" on "child"."parent_id" = "subtree"."id" ) select "id" from "subtree"))) order by ("f"."slug") collate "C" asc, "f"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [2,3]

-- 5
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "o"."id" as "id", "o"."value" as "value", row_number() over (order by "o"."period_end" asc, "o"."id" asc) as "__rank" from (select * from "observations" where "retired_at" is null) as "o" where ("o"."facility_id" = "__parent"."id") order by "o"."period_end" asc, "o"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [29,31]
