/**
 * The benchmark's own PostgreSQL database for one scale: created, filled with the project's own scripts
 * (migrations, the Dadukou seed, the deterministic synthetic rows), and dropped at the end.
 */
import { spawn } from 'node:child_process';
import postgres from 'postgres';

export interface Scale {
  name: string;
  facilities: number;
  observations: number;
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Seconds spent creating and filling it. */
  fillSeconds: number;
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

function npmRun(args: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', ...args], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run ${args.join(' ')} exited with ${code}`))));
  });
}

export async function createBenchDatabase(serverUrl: string, scale: Scale): Promise<BenchDatabase> {
  const name = `minsheng_bench_${scale.name}`;
  const url = databaseUrl(serverUrl, name);
  const started = Date.now();
  await onServer(serverUrl, async (sql) => {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.unsafe(`create database ${name}`);
  });
  await npmRun(['db:migrate'], url);
  await npmRun(['db:seed'], url);
  await npmRun(['seed:synthetic', '--', '--facilities', String(scale.facilities), '--observations', String(scale.observations)], url);
  await onServer(url, async (sql) => {
    await addPostgraphileAggregate(sql);
    await addPostgraphileIndexes(sql);
    // Fresh statistics and visibility map for both servers, so autovacuum does not start during a run.
    await sql.unsafe('vacuum (analyze)');
  });
  return { name, url, fillSeconds: (Date.now() - started) / 1000 };
}

export async function dropBenchDatabase(serverUrl: string, database: BenchDatabase): Promise<void> {
  await onServer(serverUrl, (sql) => sql.unsafe(`drop database if exists ${database.name} with (force)`));
}

/**
 * PostGraphile has no aggregates without a plugin, and @graphile/pg-aggregates cannot be installed next to
 * the project's graphql 16 (its peer range stops at 15). A set-returning SQL function is PostGraphile's
 * documented way to a custom query; it becomes Query.benchObservationsByYearAndDivision. It reads the yearly
 * totals Minsheng's aggregates read (drizzle/0019), so both servers do the same work. Minsheng never sees it.
 */
async function addPostgraphileAggregate(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    create function bench_observations_by_year_and_division(indicator_code text)
    returns table (year int, division_code text, count int, sum float8, avg float8, min float8, max float8)
    language sql stable parallel safe as $$
      select t.year, d.code, sum(t.count)::int, sum(t.sum), sum(t.sum) / sum(t.count), min(t.min), max(t.max)
      from observation_yearly_totals t join indicators i on i.id = t.indicator_id left join divisions d on d.id = t.division_id
      where i.code = indicator_code
      group by 1, 2 order by 1, 2
    $$`);
}

/**
 * The indexes PostGraphile's generated SQL can use for the mix's orders, beside Minsheng's: Minsheng orders text
 * with COLLATE "C" (drizzle/0004, 0006), which the database's own collation, the one PostGraphile orders by,
 * cannot use. The same columns in that collation, as PostGraphile's documentation asks of the columns a schema
 * orders and filters by.
 */
async function addPostgraphileIndexes(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    create index bench_postgraphile_facilities_category_name_zh on facilities (category, name_zh, id);
    create index bench_postgraphile_facilities_slug on facilities (slug, id);
    create index bench_postgraphile_programs_slug on programs (slug, id)`);
}

/** The key of the observation at `share` of the (period_end, id) order: where the deep page starts. */
export async function observationKeyAt(url: string, share: number): Promise<string> {
  return onServer(url, async (sql) => {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from observations`;
    const [row] = await sql<{ key: string }[]>`select key from observations order by period_end, id offset ${Math.floor(n * share)} limit 1`;
    return row!.key;
  });
}

export async function postgresVersion(serverUrl: string): Promise<string> {
  return onServer(serverUrl, async (sql) => (await sql<{ v: string }[]>`select current_setting('server_version') as v`)[0]!.v);
}
