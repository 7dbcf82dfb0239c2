import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { write } from '../../src/db/write.js';
import { startApi, type TestApi } from '../support/api.js';
import { generator } from '../support/random.js';

// The yearly totals aggregates read are maintained incrementally (drizzle/0019): each write recomputes only
// the totals its figures can change. Here a random mix of 1,000 creates, updates and retires, in writes of one
// to five changes, must leave them equal to the totals computed from scratch, by the query they were defined
// by when they were materialized views recomputed whole (drizzle/0015), kept here as the reference.
const FROM_SCRATCH = sql.raw(`
WITH RECURSIVE "ancestry"("division_id", "ancestor_id") AS (
  SELECT "id", "parent_id" FROM "divisions" WHERE "parent_id" IS NOT NULL
  UNION ALL
  SELECT "a"."division_id", "d"."parent_id" FROM "ancestry" AS "a" JOIN "divisions" AS "d" ON "d"."id" = "a"."ancestor_id" WHERE "d"."parent_id" IS NOT NULL
), "placed" AS (
  SELECT DISTINCT "indicator_id", "division_id" FROM "observations" WHERE "retired_at" IS NULL AND "division_id" IS NOT NULL
), "nested_places" AS (
  SELECT DISTINCT "inner"."indicator_id" AS "nested_indicator_id", "inner"."division_id" AS "nested_division_id"
  FROM "placed" AS "inner"
  JOIN "ancestry" AS "a" ON "a"."division_id" = "inner"."division_id"
  JOIN "placed" AS "outer" ON "outer"."indicator_id" = "inner"."indicator_id" AND "outer"."division_id" = "a"."ancestor_id"
)
SELECT "totals".*,
  format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', "indicator_id", "division_id", "facility_id", "program_id", "year",
    "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL, "reported_in_domain") AS "group_key"
FROM (
  SELECT "indicator_id", "division_id", "facility_id", "program_id", "year", "unit", "measure", "status", "qualifier",
    CASE WHEN "conflict_group" IS NULL THEN NULL ELSE '' END AS "conflict_group", "reported_in_domain",
    count(*)::int AS "count", sum("value") AS "sum", min("value") AS "min", max("value") AS "max",
    (count(*) FILTER (WHERE "is_latest"))::int AS "latest_count", sum("value") FILTER (WHERE "is_latest") AS "latest_sum",
    (count(*) FILTER (WHERE "overlaps_earlier"))::int AS "overlapping",
    (count(*) FILTER (WHERE "is_nested"))::int AS "nested"
  FROM (
    SELECT "o".*, extract(year from "period_end")::int AS "year",
      "period_end" = max("period_end") OVER (PARTITION BY "indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain", extract(year from "period_end")) AS "is_latest",
      coalesce("measure" = 'count' AND coalesce("period_start", "period_end") <= max("period_end") OVER (
        PARTITION BY "indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain"
        ORDER BY coalesce("period_start", "period_end"), "period_end", "id" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS "overlaps_earlier",
      "n"."nested_indicator_id" IS NOT NULL AS "is_nested"
    FROM "observations" AS "o"
    LEFT JOIN "nested_places" AS "n" ON "n"."nested_indicator_id" = "o"."indicator_id" AND "n"."nested_division_id" = "o"."division_id"
    WHERE "o"."retired_at" IS NULL
  ) AS "figures"
  GROUP BY "indicator_id", "division_id", "facility_id", "program_id", "year", "unit", "measure", "status", "qualifier", 10, "reported_in_domain"
) AS "totals"`);

const BY_INDICATOR = `SELECT "indicator_id", "year", "unit", "measure", "status", "qualifier", "conflict_group" IS NOT NULL AS "conflicting",
  coalesce("reported_in_domain", '') AS "reported_in_domain",
  sum("count")::int AS "count", sum("sum") AS "sum", min("min") AS "min", max("max") AS "max",
  sum("latest_count")::int AS "latest_count", sum("latest_sum") AS "latest_sum", sum("overlapping")::int AS "overlapping",
  sum("nested")::int AS "nested"`;

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

type Row = Record<string, unknown>;
const rows = (query: ReturnType<typeof sql>) => api.db.rows<Row>(query);
const sorted = (list: Row[], key: (row: Row) => string) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
const indicatorKey = (row: Row) =>
  JSON.stringify([row.indicator_id, row.year, row.unit, row.measure, row.status, row.qualifier, row.conflicting, row.reported_in_domain]);

async function expectTotalsFromScratch() {
  const kept = await rows(sql`select * from observation_yearly_totals`);
  const computed = await rows(FROM_SCRATCH);
  expect(sorted(kept, (row) => String(row.group_key))).toEqual(sorted(computed, (row) => String(row.group_key)));
  const keptByIndicator = await rows(sql`select * from observation_indicator_yearly_totals`);
  const computedByIndicator = await rows(sql`${sql.raw(BY_INDICATOR)} from (${FROM_SCRATCH}) as t group by 1, 2, 3, 4, 5, 6, 7, 8`);
  expect(sorted(keptByIndicator, indicatorKey)).toEqual(sorted(computedByIndicator, indicatorKey));
  return kept.length;
}

it('after a random mix of 1,000 creates, updates and retires, the totals equal a computation from scratch', { timeout: 240_000 }, async () => {
  const random = generator(Number(process.env.FUZZ_SEED ?? 20261202));
  const indicators = (await rows(sql`select id from indicators`)).map((row) => Number(row.id));
  const divisions = [null, ...(await rows(sql`select id from divisions`)).map((row) => Number(row.id))];
  const facilities = [null, null, null, ...(await rows(sql`select id from facilities limit 5`)).map((row) => Number(row.id))];
  const [source] = await rows(sql`select id from sources limit 1`);
  const measures = ['count', 'cumulative', 'level', 'share', 'yoy_change'];
  let created = 0;
  const live = async () => (await rows(sql`select id from observations where retired_at is null`)).map((row) => Number(row.id));

  let done = 0;
  while (done < 1000) {
    const changes = Math.min(1000 - done, 1 + random.int(5));
    const ids = await live();
    await write(api.db, async (tx) => {
      for (let n = 0; n < changes; n += 1) {
        const roll = random.next();
        const year = 2019 + random.int(6);
        const end = `${year}-${String(1 + random.int(12)).padStart(2, '0')}-28`;
        const start = random.next() < 0.5 ? null : `${year - random.int(2)}-01-01`;
        if (roll < 0.4 || ids.length === 0) {
          created += 1;
          await tx.execute(sql`insert into observations (key, indicator_id, value, qualifier, unit, measure, status, period_start, period_end,
              label_zh, label_en, division_id, facility_id, source_id, quote, conflict_group)
            values (${`rollup-test-${created}`}, ${random.pick(indicators)}, ${random.int(1000)}, ${random.pick(['exact', 'approximate', 'at_least'])},
              ${random.pick(['person', 'cny', 'percent'])}, ${random.pick(measures)}, ${random.pick(['actual', 'planned'])}, ${start}, ${end},
              '测试', 'test', ${random.pick(divisions)}, ${random.pick(facilities)}, ${source!.id}, '测试', ${random.next() < 0.1 ? 'rollup-test-conflict' : null})`);
        } else if (roll < 0.85) {
          const id = random.pick(ids);
          const field = random.int(5);
          if (field === 0) await tx.execute(sql`update observations set value = ${random.int(1000)} where id = ${id}`);
          if (field === 1) await tx.execute(sql`update observations set division_id = ${random.pick(divisions)} where id = ${id}`);
          if (field === 2) await tx.execute(sql`update observations set period_start = ${start}, period_end = ${end} where id = ${id}`);
          if (field === 3)
            await tx.execute(sql`update observations set indicator_id = ${random.pick(indicators)}, measure = ${random.pick(measures)} where id = ${id}`);
          if (field === 4)
            await tx.execute(sql`update observations set retired_at = null where id in (select id from observations where retired_at is not null limit 1)`);
        } else {
          await tx.execute(sql`update observations set retired_at = now() where id = ${random.pick(ids)}`);
        }
      }
      return { changed: changes, value: undefined };
    });
    done += changes;
    if (done % 250 < changes) await expectTotalsFromScratch(); // along the way too, not only at the end
  }
  expect(await expectTotalsFromScratch()).toBeGreaterThan(30);

  // A division moved under another changes which figures are nested: everything is recomputed.
  await write(api.db, async (tx) => {
    await tx.execute(sql`update divisions set parent_id = (select id from divisions where code = '500104001') where code = '500104005'`);
    return { changed: 1, value: undefined };
  });
  await expectTotalsFromScratch();
  const [{ stale }] = (await rows(sql`select count(*)::int as stale from observation_totals_stale`)) as [{ stale: number }];
  expect(stale).toBe(0);
});
