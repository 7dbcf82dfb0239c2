/**
 * `npm run bench:partitioning -- --database-url postgres://…/db`: would declarative partitioning of
 * observations by year pay at this scale? On a database holding the synthetic data (seed:synthetic), it
 * copies observations into a table partitioned by range of period_end (one partition per year, with the same
 * indexes; a unique index must then include period_end), times the statements the read and write paths
 * send against both tables with varied arguments, prints the sizes of the tables and their indexes, and
 * drops the copy. Numbers for docs/operations.md's capacity plan; never part of the test suite.
 */
import postgres from 'postgres';
import { percentile } from './load.js';

const TRIAL = 'partitioning_trial';
const ROUNDS = 400;

interface Timed {
  statement: string;
  plain: number[];
  partitioned: number[];
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main() {
  const url = argument('--database-url') ?? process.env.DATABASE_URL;
  if (!url) throw new Error('Give the database: --database-url postgres://…/db (one holding seed:synthetic data, never production).');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    console.log('## Rows and sizes\n');
    console.log(await sizes(sql));
    const started = Date.now();
    await buildPartitionedCopy(sql);
    console.log(`\npartitioned copy built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    console.log(await partitionedSizes(sql));
    console.log('\n## Statement times, median and p95 of varied arguments (ms, on one connection, prepared)\n');
    console.log(table(await timeStatements(sql)));
  } finally {
    await sql.unsafe(`drop schema if exists ${TRIAL} cascade`);
    await sql.end({ timeout: 5 });
  }
}

async function sizes(sql: postgres.Sql): Promise<string> {
  const rows = await sql<{ table: string; rows: string; table_mb: string; index_mb: string }[]>`
    select c.relname as table, c.reltuples::bigint::text as rows,
      round(pg_table_size(c.oid) / 1048576.0, 1)::text as table_mb, round(pg_indexes_size(c.oid) / 1048576.0, 1)::text as index_mb
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.reltuples > 1000
    order by pg_total_relation_size(c.oid) desc`;
  return [
    '| table | rows (estimate) | table MB | indexes MB |',
    '|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.table} | ${row.rows} | ${row.table_mb} | ${row.index_mb} |`),
  ].join('\n');
}

async function partitionedSizes(sql: postgres.Sql): Promise<string> {
  const [row] = await sql<{ partitions: number; table_mb: string; index_mb: string }[]>`
    select count(*)::int as partitions, round(sum(pg_table_size(c.oid)) / 1048576.0, 1)::text as table_mb,
      round(sum(pg_indexes_size(c.oid)) / 1048576.0, 1)::text as index_mb
    from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ${`${TRIAL}.observations`}::regclass`;
  return `observations partitioned by year: ${row!.partitions} partitions, table ${row!.table_mb} MB, indexes ${row!.index_mb} MB`;
}

/** The copy: same columns (the generated one computed again), one partition per year, the same indexes. */
async function buildPartitionedCopy(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`drop schema if exists ${TRIAL} cascade; create schema ${TRIAL}`);
  await sql.unsafe(`create table ${TRIAL}.observations (like public.observations including defaults including generated) partition by range (period_end)`);
  const [{ first, last }] = await sql<{ first: number; last: number }[]>`
    select extract(year from min(period_end))::int as first, extract(year from max(period_end))::int as last from public.observations`;
  for (let year = first; year <= last; year++) {
    await sql.unsafe(
      `create table ${TRIAL}.observations_${year} partition of ${TRIAL}.observations for values from ('${year}-01-01') to ('${year + 1}-01-01')`,
    );
  }
  await sql.unsafe(`create table ${TRIAL}.observations_other partition of ${TRIAL}.observations default`);
  const columns = await sql<{ name: string }[]>`
    select column_name as name from information_schema.columns
    where table_schema = 'public' and table_name = 'observations' and is_generated = 'NEVER' order by ordinal_position`;
  const list = columns.map((column) => `"${column.name}"`).join(', ');
  await sql.unsafe(`insert into ${TRIAL}.observations (${list}) select ${list} from public.observations`);
  const indexes = await sql<{ definition: string; unique: boolean }[]>`
    select pg_get_indexdef(i.indexrelid) as definition, i.indisunique as unique
    from pg_index i where i.indrelid = 'public.observations'::regclass`;
  for (const { definition, unique } of indexes) {
    let copy = definition.replace(/INDEX (\S+) ON public\.observations/, `INDEX pt_$1 ON ${TRIAL}.observations`);
    // A unique index of a partitioned table must include the partition key.
    if (unique) copy = copy.replace(/\)$/, ', period_end)');
    await sql.unsafe(copy);
  }
  await sql.unsafe(`analyze ${TRIAL}.observations`);
}

/** Each statement against both tables in turn, ROUNDS times, its arguments drawn from the data. */
async function timeStatements(sql: postgres.Sql): Promise<Timed[]> {
  const keys = (await sql<{ key: string }[]>`select key from public.observations order by random() limit 200`).map((row) => row.key);
  const indicators = (await sql<{ id: number }[]>`select distinct indicator_id as id from public.observations`).map((row) => row.id);
  const divisions = (await sql<{ id: number }[]>`select distinct division_id as id from public.observations where division_id is not null`).map(
    (row) => row.id,
  );
  const years = (await sql<{ year: number }[]>`select distinct extract(year from period_end)::int as year from public.observations`).map((row) => row.year);
  const pick = <T>(values: T[]) => values[Math.floor(Math.random() * values.length)]!;
  const statements: { statement: string; text: (table: string) => string; args: () => (string | number)[] }[] = [
    { statement: 'one figure by its key (node, lookups)', text: (t) => `select id, value from ${t} where key = $1`, args: () => [pick(keys)] },
    {
      statement: "an indicator's figures by period end, first 100 (time series)",
      text: (t) => `select key, value, period_start, period_end from ${t} where indicator_id = $1 and retired_at is null order by period_end, id limit 100`,
      args: () => [pick(indicators)],
    },
    {
      statement: "an indicator's figures in one year, first 100",
      text: (t) =>
        `select key, value, period_end from ${t} where indicator_id = $1 and period_end >= make_date($2, 1, 1) and period_end < make_date($2 + 1, 1, 1) and retired_at is null order by period_end, id limit 100`,
      args: () => [pick(indicators), pick(years)],
    },
    {
      statement: "a division's newest figures, first 50",
      text: (t) => `select key, value, period_end from ${t} where division_id = $1 and retired_at is null order by period_end desc, id desc limit 50`,
      args: () => [pick(divisions)],
    },
    {
      statement: "an indicator's yearly count and sum, from the rows",
      text: (t) =>
        `select extract(year from period_end) as year, count(*), sum(value) from ${t} where indicator_id = $1 and retired_at is null group by 1 order by 1`,
      args: () => [pick(indicators)],
    },
    {
      statement: 'a correction: one figure updated (rolled back)',
      text: (t) => `update ${t} set value = value + 1, revision = revision + 1 where key = $1`,
      args: () => [pick(keys)],
    },
  ];
  const timed: Timed[] = [];
  for (const { statement, text, args } of statements) {
    const result: Timed = { statement, plain: [], partitioned: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const values = args();
      for (const [table, into] of [
        ['public.observations', result.plain],
        [`${TRIAL}.observations`, result.partitioned],
      ] as const) {
        const started = process.hrtime.bigint();
        if (statement.startsWith('a correction')) {
          await sql
            .begin(async (tx) => {
              // The copy has no triggers: the original's (the rollups' bookkeeping) are skipped too, for a fair pair.
              await tx.unsafe('set local session_replication_role = replica');
              await tx.unsafe(text(table), values, { prepare: true });
              throw new RolledBack();
            })
            .catch((error) => {
              if (!(error instanceof RolledBack)) throw error;
            });
        } else {
          await sql.unsafe(text(table), values, { prepare: true });
        }
        into.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    timed.push(result);
  }
  return timed;
}

class RolledBack extends Error {}

function table(timed: Timed[]): string {
  const summary = (times: number[]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
  };
  const lines = timed.map(({ statement, plain, partitioned }) => {
    const [p, q] = [summary(plain), summary(partitioned)];
    return `| ${statement} | ${p.median.toFixed(3)} / ${p.p95.toFixed(3)} | ${q.median.toFixed(3)} / ${q.p95.toFixed(3)} | ${(q.median / p.median).toFixed(2)}× |`;
  });
  return ['| statement | one table: median / p95 ms | by year: median / p95 ms | by year / one table |', '|---|---:|---:|---:|', ...lines].join('\n');
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
