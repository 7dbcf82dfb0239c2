-- What kind of quantity each indicator is (stock, flow, ratio, change), so aggregates add up only what adds
-- up (src/domains/statistics/aggregate.ts). Existing indicators get the kind their figures' measure implies
-- (seeding then writes what seeds/indicators.json states); the column has no default after this migration.
-- reported_in_domain: the source section a figure is stated in, where it is not its indicator's domain.
ALTER TABLE "indicators" ADD COLUMN "kind" text;--> statement-breakpoint
UPDATE "indicators" AS "i" SET "kind" = coalesce((
  SELECT CASE "o"."measure" WHEN 'level' THEN 'stock' WHEN 'share' THEN 'ratio' WHEN 'yoy_change' THEN 'change' ELSE 'flow' END
  FROM "observations" AS "o" WHERE "o"."indicator_id" = "i"."id" ORDER BY "o"."id" LIMIT 1), CASE WHEN "i"."unit" = 'percent' THEN 'ratio' ELSE 'flow' END);--> statement-breakpoint
ALTER TABLE "indicators" ALTER COLUMN "kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "reported_in_domain" text;--> statement-breakpoint
ALTER TABLE "indicators" ADD CONSTRAINT "indicators_kind_check" CHECK ("indicators"."kind" in ('stock', 'flow', 'ratio', 'change'));--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_reported_in_domain_check" CHECK ("observations"."reported_in_domain" in ('culture', 'tourism', 'education', 'minor_protection', 'elderly_care', 'health'));
