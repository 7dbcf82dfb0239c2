-- filtered, searched and ordered nested lists, first: 2
-- 6 statements, in the order sent; parameters as $1…, their values under each statement.

-- 1
select "p"."id" as "id" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."kind" = any($1::text[])) order by ("p"."name_en") collate "C" asc, "p"."id" asc limit 3
--   $1 = ["school_group","alliance"]

-- 2 (planned for its values: sent with them written in, unprepared)
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "f"."id" as "id", "pf"."role" as "role", row_number() over (order by ("f"."name_zh") collate "C" desc, "f"."id" desc, ("pf"."role") collate "C" asc) as "__rank" from (select * from "facilities" where "retired_at" is null) as "f" join "program_facilities" as "pf" on "pf"."facility_id" = "f"."id" where ("pf"."program_id" = "__parent"."id") and (((("f"."search_bigrams" @> (minsheng_bigrams($2)) and ("f"."name_zh" ilike $3 or "f"."name_en" ilike $4 or "f"."description_zh" ilike $5 or "f"."description_en" ilike $6))) or ("f"."category" = $7))) order by ("f"."name_zh") collate "C" desc, "f"."id" desc, ("pf"."role") collate "C" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [38,35]
--   $2 = "小学"
--   $3 = "%小学%"
--   $4 = "%小学%"
--   $5 = "%小学%"
--   $6 = "%小学%"
--   $7 = "school"

-- 3 (planned for its values: sent with them written in, unprepared)
select "__parent"."id" as "__parent", (select count(*)::int from (select * from "facilities" where "retired_at" is null) as "f" join "program_facilities" as "pf" on "pf"."facility_id" = "f"."id" where ("pf"."program_id" = "__parent"."id") and (((("f"."search_bigrams" @> (minsheng_bigrams($1)) and ("f"."name_zh" ilike $2 or "f"."name_en" ilike $3 or "f"."description_zh" ilike $4 or "f"."description_en" ilike $5))) or ("f"."category" = $6)))) as "count" from unnest($7::int[]) as "__parent"("id")
--   $1 = "小学"
--   $2 = "%小学%"
--   $3 = "%小学%"
--   $4 = "%小学%"
--   $5 = "%小学%"
--   $6 = "school"
--   $7 = [38,35]

-- 4
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "p"."id" as "id", "p"."slug" as "slug", row_number() over (order by ("p"."kind") collate "C" asc, "p"."id" asc) as "__rank" from (select * from "programs" where "retired_at" is null) as "p" where ("p"."id" = any(array(select "program_facilities"."program_id" from "program_facilities" where "program_facilities"."facility_id" = "__parent"."id"))) and (not ("p"."kind" = $2)) order by ("p"."kind") collate "C" asc, "p"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [17,11]
--   $2 = "award"

-- 5
select "__parent"."id" as "__parent", (select count(*)::int from (select * from "programs" where "retired_at" is null) as "p" where ("p"."id" = any(array(select "program_facilities"."program_id" from "program_facilities" where "program_facilities"."facility_id" = "__parent"."id"))) and (not ("p"."kind" = $1))) as "count" from unnest($2::int[]) as "__parent"("id")
--   $1 = "award"
--   $2 = [17,11]

-- 6
select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral (select "o"."id" as "id", "o"."value" as "value", row_number() over (order by "o"."period_end" asc, "o"."id" asc) as "__rank" from (select * from "observations" where "retired_at" is null) as "o" where (("o"."program_id" = "__parent"."id" or exists (select 1 from "observation_programs" where "observation_programs"."observation_id" = "o"."id" and "observation_programs"."program_id" = "__parent"."id"))) and ("o"."value" >= cast($2 as double precision)) order by "o"."period_end" asc, "o"."id" asc limit 3) as "__page" order by "__parent"."id", "__page"."__rank"
--   $1 = [38,35]
--   $2 = 0
