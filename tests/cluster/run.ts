/**
 * `npm run test:cluster`: Minsheng beyond one machine, on this machine, from Debian's packages. A PostgreSQL
 * primary and a streaming replica (pg_basebackup), a PgBouncer in transaction mode in front of each, Redis,
 * three instances and HAProxy with deploy/haproxy.cfg. Under a bounded load of reads and publishes it tries
 * each promise of docs/operations.md, prints a table of what it tried and counted, stops everything it
 * started, and exits 1 if any promise was broken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApiKey } from '../../src/access/apiKeys.js';
import { seedDadukou } from '../../src/composition/seeds.js';
import { DEFAULT_DB_STATEMENT_TIMEOUT_MS } from '../../src/config.js';
import { connect } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { freePort } from '../support/freePort.js';
import { startPgBouncer } from '../support/pgbouncer.js';
import { startReplicatedCluster, type ReplicatedCluster } from '../support/replication.js';
import { haproxyStats, startHaproxy, startListening, startRedis, type Started } from './processes.js';

const INSTANCES = 3;
const READERS = 6;
const BUDGET = 3000; // cost points of the standard tier in the budget scenario's window
const CARE_HOME = 'kaier-xinyi-care-home';
const SETTLE_MS = 5000;
const REPO = path.resolve(import.meta.dirname, '../..');

interface Row {
  scenario: string;
  requests: number;
  failures: number;
  retries: number;
  maxStaleness: string;
  result: string;
  ok: boolean;
}

const stops: (() => Promise<unknown>)[] = [];
const rows: Row[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const logDir = mkdtempSync(path.join(tmpdir(), 'minsheng-cluster-'));

async function main() {
  const cluster = await startReplicatedCluster();
  stops.push(() => cluster.stop());
  const keys = await prepareDatabase(cluster);
  const [toPrimary, toReplica] = [
    await startPgBouncer(new URL(cluster.primaryUrl('postgres')), 10),
    await startPgBouncer(new URL(cluster.replicaUrl('postgres')), 10),
  ];
  stops.push(
    () => toPrimary.stop(),
    () => toReplica.stop(),
  );
  const redis = await startRedis(logDir);
  stops.push(() => redis.stop());
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const environment = (port: number): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: toPrimary.url('minsheng'),
    DATABASE_READ_URLS: toReplica.url('minsheng'),
    DB_POOLER: 'transaction',
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    TRUST_PROXY: 'true',
    DATA_VERSION_POLL_MS: '200',
    // Every read reaches a database: what is measured is where it goes, not the response cache.
    RESPONSE_CACHE_MAX_BYTES: '0',
    RATE_LIMIT_ANONYMOUS: '1000000000',
    RATE_LIMIT_PARTNER: '1000000000',
    RATE_LIMIT_STANDARD: String(BUDGET),
    LOG_LEVEL: 'warn',
  });
  const startInstance = (n: number) =>
    startListening(`api-${n + 1}`, process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts')], ports[n]!, logDir, environment(ports[n]!));
  const instances: Started[] = await Promise.all(ports.map((_, n) => startInstance(n)));
  stops.push(() => Promise.all(instances.map((instance) => instance.stop())));
  const haproxy = await startHaproxy(ports, logDir);
  stops.push(() => haproxy.stop());
  const base = `http://127.0.0.1:${haproxy.port}`;
  await until('every instance is up behind HAProxy', async () => (await haproxyStats(haproxy.statsPort)).every((server) => server.status === 'UP'), 30_000);
  const slugs = ((await graphql(base, 'GET', '{ facilities(first: 100) { nodes { slug } } }')).body.data.facilities.nodes as { slug: string }[]).map(
    (node) => node.slug,
  );
  const traffic = new Traffic(base, slugs, keys.admin);

  // 1. Reads go to the replica.
  {
    const before = await readStatements(cluster);
    const counts = await traffic.run(5000);
    const after = await readStatements(cluster);
    const [onReplica, onPrimary] = [after.replica - before.replica, after.primary - before.primary];
    rows.push({
      scenario: 'reads are served by the replica',
      ...counts.summary(),
      result: `read statements: ${onReplica} on the replica, ${onPrimary} on the primary (its writers' own reads and the publishes)`,
      ok: counts.clean() && onReplica > counts.reads / 2 && onReplica > onPrimary,
    });
  }

  // 2. A client that wrote reads its write at once, through any instance (the publishes run in every scenario).
  {
    const counts = await traffic.run(4000);
    rows.push({
      scenario: 'a writer reads its own write at once, through any instance',
      ...counts.summary(),
      result: `${counts.writes} publishes, each read back at once through HAProxy: ${counts.staleOwnReads} did not show the write`,
      ok: counts.clean() && counts.writes > 5 && counts.staleOwnReads === 0,
    });
  }

  // 3. One instance killed mid-load.
  {
    const retriesBefore = sum(await haproxyStats(haproxy.statsPort));
    const running = traffic.run(8000);
    await sleep(2000);
    instances[2]!.child.kill('SIGKILL');
    const counts = await running;
    const retries = sum(await haproxyStats(haproxy.statsPort)) - retriesBefore;
    instances[2] = await startInstance(2);
    await until(
      'the restarted instance is back in HAProxy',
      async () => (await haproxyStats(haproxy.statsPort)).every((server) => server.status === 'UP'),
      30_000,
    );
    rows.push({
      scenario: 'an instance killed (SIGKILL) mid-load, then restarted',
      ...counts.summary(retries),
      result: `HAProxy retried/redispatched ${retries}; failed: ${counts.failures.length} (${counts.failureKinds()})`,
      ok: counts.getFailures === 0 && counts.failures.length <= 1 && retries > 0,
    });
  }

  // 4. The replica stopped for 10 s.
  {
    let going = true;
    const running = traffic.runWhile(() => going);
    await sleep(1000);
    await cluster.stopReplica();
    const stoppedAt = Date.now();
    const primaryAtStop = await readStatements(cluster, { primaryOnly: true });
    await sleep(10_000);
    const whileStopped = (await readStatements(cluster, { primaryOnly: true })).primary - primaryAtStop.primary;
    await cluster.startReplica();
    await until('every instance reads from the replica again', async () => (await allServing(ports)) === INSTANCES, 60_000);
    const backAfter = Date.now() - stoppedAt;
    // PgBouncer refuses some new server connections for a few seconds more (server_login_retry): reads that
    // meet one go to the primary meanwhile. Where reads go is counted once that has settled.
    await sleep(SETTLE_MS);
    const back = await readStatements(cluster);
    await sleep(3000);
    going = false;
    const counts = await running;
    const after = await readStatements(cluster);
    rows.push({
      scenario: 'the replica stopped for 10 s, then started',
      ...counts.summary(),
      result: `while stopped ${whileStopped} read statements went to the primary; every instance read from the replica again ${((backAfter - 10_000) / 1000).toFixed(1)} s after its start; ${SETTLE_MS / 1000} s later, in 3 s, ${after.replica - back.replica} read statements on the replica, ${after.primary - back.primary} on the primary`,
      // Moved back: the replica has a fair share again (before the stop it had most; see docs/operations.md).
      ok: counts.clean() && whileStopped > 0 && after.replica - back.replica > (after.replica - back.replica + after.primary - back.primary) / 4,
    });
  }

  // 5. One budget, spent through all three instances at once.
  {
    const budget = await spendBudget(ports, keys.budget);
    rows.push({
      scenario: `one key's budget (${BUDGET} points) spent through 3 instances at once`,
      requests: budget.requests,
      failures: budget.unexpected,
      retries: 0,
      maxStaleness: '-',
      result: `${budget.accepted} accepted × cost ${budget.cost} = ${budget.accepted * budget.cost} points; ${budget.refused} refused with 429${budget.unexpected ? `; unexpected: ${budget.unexpectedKinds}` : ''}`,
      ok: budget.unexpected === 0 && budget.accepted * budget.cost <= BUDGET && budget.accepted * budget.cost > BUDGET - budget.cost,
    });
  }
}

/** The Dadukou data on the primary, the settings PgBouncer's clients need as its defaults, and two keys. */
async function prepareDatabase(cluster: ReplicatedCluster): Promise<{ admin: string; budget: string }> {
  const server = postgres(cluster.primaryUrl('postgres'), { max: 1, onnotice: () => {} });
  await server.unsafe('create database minsheng');
  // Behind a pooler in transaction mode the server's connection settings are the database's (docs/operations.md).
  await server.unsafe(`alter database minsheng set statement_timeout = '${DEFAULT_DB_STATEMENT_TIMEOUT_MS}'`);
  await server.end();
  const db = await connect({ kind: 'postgres', url: cluster.primaryUrl('minsheng'), statementTimeoutMs: 0 });
  try {
    await db.rows(sql`create extension pg_stat_statements`);
    await migrate(db);
    await seedDadukou(db);
    const admin = (await createApiKey(db, 'cluster test publisher', 'partner', { role: 'admin' })).key;
    const budget = (await createApiKey(db, 'cluster test budget', 'standard')).key;
    await cluster.caughtUp();
    return { admin, budget };
  } finally {
    await db.close();
  }
}

/** Statements of the read path on each server (pg_stat_statements), the version polls left out. */
async function readStatements(cluster: ReplicatedCluster, options: { primaryOnly?: boolean } = {}): Promise<{ primary: number; replica: number }> {
  const count = async (url: string) => {
    const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      const [row] = await client`select coalesce(sum(calls), 0)::bigint as n from pg_stat_statements s join pg_database d on d.oid = s.dbid
        where d.datname = 'minsheng' and query ilike '%facilit%' and query not ilike 'update%' and query not ilike 'insert%'`;
      return Number(row!.n);
    } finally {
      await client.end({ timeout: 5 });
    }
  };
  return { primary: await count(cluster.primaryUrl('minsheng')), replica: options.primaryOnly ? 0 : await count(cluster.replicaUrl('minsheng')) };
}

/** How many instances report their replica serving on /readyz. */
async function allServing(ports: number[]): Promise<number> {
  const ready = await Promise.all(
    ports.map(async (port) => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { replicas?: { serving: boolean }[] };
      return body.replicas?.every((replica) => replica.serving) ?? false;
    }),
  );
  return ready.filter(Boolean).length;
}

const sum = (servers: { retries: number; redispatches: number }[]) => servers.reduce((total, server) => total + server.retries + server.redispatches, 0);

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; !(await condition().catch(() => false)); await sleep(100)) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for: ${what}`);
  }
}

interface Answer {
  status: number;
  version: number;
  body: { data?: any; errors?: unknown[] };
}

async function graphql(base: string, method: 'GET' | 'POST', query: string, variables?: object, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL('/graphql', base);
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(20_000) };
  if (method === 'GET') {
    url.searchParams.set('query', query);
    if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  } else {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify({ query, variables });
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = { errors: [text.slice(0, 200)] };
  }
  return { status: response.status, version: Number(response.headers.get('minsheng-data-version')), body };
}

/** What one run of traffic counted. */
class Counts {
  reads = 0;
  writes = 0;
  getFailures = 0;
  staleOwnReads = 0;
  // Readers that send back the version they saw must never get an older one; others may, within the lag.
  monotonicViolations = 0;
  maxVersionsBehind = 0;
  readonly failures: string[] = [];

  fail(what: string, method: 'GET' | 'POST') {
    this.failures.push(what);
    if (method === 'GET') this.getFailures += 1;
  }
  clean(): boolean {
    return this.failures.length === 0 && this.monotonicViolations === 0 && this.staleOwnReads === 0;
  }
  failureKinds(): string {
    const kinds = new Map<string, number>();
    for (const failure of this.failures) kinds.set(failure, (kinds.get(failure) ?? 0) + 1);
    return [...kinds].map(([kind, count]) => `${count}× ${kind}`).join('; ') || 'none';
  }
  summary(retries = 0): Pick<Row, 'requests' | 'failures' | 'retries' | 'maxStaleness'> {
    return {
      requests: this.reads + this.writes,
      failures: this.failures.length,
      retries,
      maxStaleness: `${this.maxVersionsBehind} versions (anonymous, no header); ${this.monotonicViolations} older than seen; ${this.staleOwnReads} own writes missed`,
    };
  }
}

/** READERS clients reading through HAProxy (half send back the version they saw), and one publisher. */
class Traffic {
  private latestPublished = 0;
  private revision: number | undefined;
  private published = 0;

  constructor(
    private readonly base: string,
    private readonly slugs: string[],
    private readonly adminKey: string,
  ) {}

  run(durationMs: number): Promise<Counts> {
    const until = Date.now() + durationMs;
    return this.runWhile(() => Date.now() < until);
  }

  async runWhile(going: () => boolean): Promise<Counts> {
    const counts = new Counts();
    await Promise.all([...Array.from({ length: READERS }, (_, n) => this.reader(n % 2 === 0, going, counts)), this.publisher(going, counts)]);
    return counts;
  }

  private async reader(sendsVersion: boolean, going: () => boolean, counts: Counts) {
    let seen = 0;
    while (going()) {
      const slug = this.slugs[Math.floor(Math.random() * this.slugs.length)]!;
      const list = Math.random() < 0.5;
      const query = list
        ? 'query ($first: Int!) { facilities(first: $first) { totalCount nodes { slug } } }'
        : 'query ($slug: String!) { facility(slug: $slug) { slug } }';
      const variables = list ? { first: 1 + Math.floor(Math.random() * 20) } : { slug };
      const latest = this.latestPublished;
      try {
        const answer = await graphql(this.base, 'GET', query, variables, sendsVersion && seen > 0 ? { 'minsheng-data-version': String(seen) } : {});
        counts.reads += 1;
        const right =
          answer.status === 200 &&
          !answer.body.errors &&
          (list ? answer.body.data.facilities.nodes.length === variables.first : answer.body.data.facility.slug === slug);
        if (!right) {
          counts.fail(`GET ${answer.status} ${JSON.stringify(answer.body.errors ?? '').slice(0, 80)}`, 'GET');
          continue;
        }
        if (sendsVersion && answer.version < seen) counts.monotonicViolations += 1;
        if (!sendsVersion) counts.maxVersionsBehind = Math.max(counts.maxVersionsBehind, latest - answer.version);
        seen = Math.max(seen, answer.version);
      } catch (error) {
        counts.fail(`GET ${(error as Error).message}`, 'GET');
      }
    }
  }

  /** Publishes a new English name about every 200 ms, and reads it back at once with the same key. */
  private async publisher(going: () => boolean, counts: Counts) {
    const key = { authorization: `Bearer ${this.adminKey}` };
    while (going()) {
      try {
        if (this.revision === undefined) {
          this.revision = (await graphql(this.base, 'GET', `{ facility(slug: "${CARE_HOME}") { revision } }`, undefined, key)).body.data.facility.revision;
        }
        const name = `Kaier Xinyi Care Home (cluster test ${++this.published})`;
        const written = await graphql(
          this.base,
          'POST',
          'mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { revision userErrors { code } } }',
          { input: { kind: 'FACILITY', key: CARE_HOME, expectedRevision: this.revision, publish: true, changes: { name_en: name } } },
          key,
        );
        const outcome = written.body.data?.updateRecord;
        if (written.status !== 200 || !outcome || outcome.userErrors.length > 0) {
          counts.fail(`POST ${written.status} ${JSON.stringify(written.body.errors ?? outcome?.userErrors).slice(0, 80)}`, 'POST');
          this.revision = undefined;
          continue;
        }
        counts.writes += 1;
        this.revision = outcome.revision;
        this.latestPublished = Math.max(this.latestPublished, written.version);
        const read = await graphql(this.base, 'GET', `{ facility(slug: "${CARE_HOME}") { name(lang: EN) } }`, undefined, key);
        counts.reads += 1;
        if (read.body.data?.facility?.name !== name) counts.staleOwnReads += 1;
      } catch (error) {
        counts.fail(`POST ${(error as Error).message}`, 'POST');
        this.revision = undefined;
      }
      await sleep(200);
    }
  }
}

/** Spends one standard key's budget through all instances at once until every request is refused. */
async function spendBudget(ports: number[], key: string) {
  const query = '{ facilities(first: 5) { nodes { slug } } }';
  const send = (port: number) => graphql(`http://127.0.0.1:${port}`, 'GET', query, undefined, { authorization: `Bearer ${key}` });
  const first = await fetch(`http://127.0.0.1:${ports[0]}/graphql?query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${key}` } });
  await first.text();
  const cost = BUDGET - Number(first.headers.get('ratelimit-remaining'));
  let [requests, accepted, refused, unexpected] = [1, 1, 0, 0];
  const kinds = new Set<string>();
  for (let round = 0; round < 100; round++) {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => send(ports[n % ports.length]!)));
    requests += answers.length;
    for (const answer of answers) {
      if (answer.status === 200 && !answer.body.errors) accepted += 1;
      else if (answer.status === 429) refused += 1;
      else {
        unexpected += 1;
        kinds.add(`${answer.status} ${JSON.stringify(answer.body.errors ?? '').slice(0, 120)}`);
      }
    }
    if (answers.every((answer) => answer.status === 429)) break;
  }
  return { requests, accepted, refused, unexpected, cost, unexpectedKinds: [...kinds].join('; ') };
}

function printTable() {
  const header = ['scenario', 'requests', 'failures', 'retries (HAProxy)', 'max staleness', 'counted', 'ok'];
  const lines = rows.map((row) => [
    row.scenario,
    String(row.requests),
    String(row.failures),
    String(row.retries),
    row.maxStaleness,
    row.result,
    row.ok ? 'yes' : 'NO',
  ]);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
}

async function stopAll() {
  for (const stop of stops.reverse()) await stop().catch((error: Error) => console.error(`stopping: ${error.message}`));
  stops.length = 0;
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
const started = Date.now();
main()
  .then(async () => {
    await stopAll();
    printTable();
    const ok = rows.length === 5 && rows.every((row) => row.ok);
    console.log(`cluster test ${ok ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`);
    if (ok && !process.env.KEEP_CLUSTER_LOGS) rmSync(logDir, { recursive: true, force: true });
    else console.log(`the logs of every process are kept in ${logDir}`);
    process.exit(ok ? 0 : 1);
  })
  .catch(async (error: Error) => {
    await stopAll();
    printTable();
    console.error(`cluster test could not finish: ${error.stack ?? error.message}\nthe logs of every process are kept in ${logDir}`);
    process.exit(1);
  });
