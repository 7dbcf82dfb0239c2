/**
 * npm run bench:explain  (DATABASE_URL of a database filled by `npm run seed:synthetic`)
 * Prints EXPLAIN ANALYZE of the SQL the API issues for a two-character search, a filter and a deep keyset
 * page, built by the same code the resolvers use. Plans need data at scale; the Dadukou seed is too small
 * for the planner to prefer an index.
 */
import 'reflect-metadata';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { facilityList } from '../../src/domains/facilities/queries.js';
import { observationList } from '../../src/domains/statistics/queries.js';
import { OrderDirection } from '../../src/graphql/enums.js';
import { encodeCursor } from '../../src/graphql/relay/cursor.js';
import { rootPageQuery } from '../../src/graphql/relay/keyset.js';

const config = loadConfig();
if (!config.databaseUrl) throw new Error('Set DATABASE_URL to a PostgreSQL database filled by npm run seed:synthetic');
const db = await openDatabase(config, { statementTimeoutMs: 0 });
const dialect = new PgDialect();

async function explain(title: string, query: SQL) {
  const rows = await db.rows<{ 'QUERY PLAN': string }>(sql`explain (analyze, buffers, costs off) ${query}`);
  console.log(
    `\n### ${title}\n\n\`\`\`\n${dialect.sqlToQuery(query).sql.replace(/\s+/g, ' ').slice(0, 400)}…\n\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\``,
  );
}

const [{ n }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from facilities`);
console.log(`facilities: ${n}`);

await explain(
  'Two-character search: facilities(filter: { search: "星光" }, first: 20), ranked by relevance',
  rootPageQuery(facilityList({ search: '星光' }), { size: 20, backward: false, cursor: null }),
);
await explain(
  'Two-character search matching 15% of all rows: facilities(filter: { search: "养老" }, first: 20), ranked',
  rootPageQuery(facilityList({ search: '养老' }), { size: 20, backward: false, cursor: null }),
);
await explain(
  'Two-character search, ordered by slug: facilities(filter: { search: "老年" }, orderBy: [{ field: SLUG }], first: 20)',
  rootPageQuery(facilityList({ search: '老年' }, [{ field: 'SLUG', direction: OrderDirection.ASC }]), { size: 20, backward: false, cursor: null }),
);
await explain(
  'Filter: facilities(filter: { category: [MUSEUM], status: [OPEN] }, orderBy: [{ field: NAME }], first: 20)',
  rootPageQuery(facilityList({ category: ['museum'], status: ['open'] }, [{ field: 'NAME', direction: OrderDirection.ASC }]), {
    size: 20,
    backward: false,
    cursor: null,
  }),
);

const [deep] = await db.rows<{ slug: string; id: number }>(sql`select slug, id from facilities order by slug collate "C", id offset 90000 limit 1`);
const cursor = encodeCursor('SLUG asc, ID asc', [deep!.slug, String(deep!.id)]);
await explain('Deep keyset page: facilities(first: 20, after: <cursor of row 90,000>)', rootPageQuery(facilityList(), { size: 20, backward: false, cursor }));

const [obs] = await db.rows<{ period_end: string; id: number }>(
  sql`select period_end::text, id from observations order by period_end, id offset 900000 limit 1`,
);
const obsCursor = encodeCursor('PERIOD_END asc, ID asc', [obs!.period_end, String(obs!.id)]);
await explain(
  'Deep keyset page: observations(first: 20, after: <cursor of row 900,000>)',
  rootPageQuery(observationList(), { size: 20, backward: false, cursor: obsCursor }),
);
await explain(
  'Time series: observations(filter: { indicatorCode: ["syn-i-7"] }, first: 20)',
  rootPageQuery(observationList({ indicatorCode: ['syn-i-7'] }), { size: 20, backward: false, cursor: null }),
);
await explain(
  'Time series in a division: observations(filter: { indicatorCode: ["syn-i-7"], divisionCode: "syn-1-13" }, first: 20)',
  rootPageQuery(observationList({ indicatorCode: ['syn-i-7'], divisionCode: ['syn-1-13'] }), { size: 20, backward: false, cursor: null }),
);
await explain(
  'Figures of a division and its communities: observations(filter: { divisionCode: "syn-1" }, first: 20)',
  rootPageQuery(observationList({ divisionCode: ['syn-1'] }), { size: 20, backward: false, cursor: null }),
);
await explain(
  'Two-character search of figures: observations(filter: { search: "合成1234" }, first: 20)',
  rootPageQuery(observationList({ search: '合成12345' }), { size: 20, backward: false, cursor: null }),
);
await db.close();
