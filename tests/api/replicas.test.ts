import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDadukou } from '../../src/composition/seeds.js';
import { connect, type Database } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { startApi, type TestApi } from '../support/api.js';
import { testBackend, uniqueName } from '../support/databases.js';
import { createKeys, WRITE_TEST_KEYS } from '../support/keys.js';
import { prometheusSamples } from '../support/prometheusText.js';
import { startReplicatedCluster, type ReplicatedCluster } from '../support/replication.js';

// Reads from a real streaming-replication standby (pg_basebackup of a primary of the test's own). Two
// instances share Redis, as instances behind a balancer do: one lets a replica lag (up to ten minutes),
// the other lets it lag not at all, so each rule is seen without waiting on the clock.
const CARE_HOME = 'kaier-xinyi-care-home';
const NAME = `{ facility(slug: "${CARE_HOME}") { name(lang: EN) } }`;
const UPDATE = 'mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { revision userErrors { code message } } }';
const POLL_MS = 100;
const METRICS_TOKEN = 'replica-test-metrics-token';

describe.runIf(testBackend() === 'postgres' && process.env.TEST_REDIS_URL)('read replicas', () => {
  let cluster: ReplicatedCluster;
  let primary: Database;
  let tolerant: TestApi;
  let strict: TestApi;
  let admin: Record<string, string>;

  const replicaDb = () => connect({ kind: 'postgres', url: cluster.replicaUrl('minsheng'), poolSize: 4 });
  /** Statements the read path ran on one server of the cluster (pg_stat_statements), polling excluded. */
  async function readsOn(url: string): Promise<number> {
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await client`select coalesce(sum(calls), 0)::int as n from pg_stat_statements s join pg_database d on d.oid = s.dbid
        where d.datname = 'minsheng' and query not like '%dataset_state%' and query ilike '%facilit%'`;
      return row!.n as number;
    } finally {
      await client.end({ timeout: 5 });
    }
  }
  const name = async (api: TestApi, headers: Record<string, string> = {}) => {
    const answer = await api.query(NAME, undefined, headers);
    expect(answer.status).toBe(200);
    return { name: answer.body.data.facility.name as string, version: Number(answer.headers.get('minsheng-data-version')) };
  };
  const until = async (what: string, condition: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 30_000; !(await condition()); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() > deadline) throw new Error(`waited 30 s for: ${what}`);
    }
  };
  const readyz = async (api: TestApi) =>
    (await (await fetch(`${api.url}/readyz`)).json()) as { replicas: { reachable: boolean; serving: boolean; dataVersion?: number }[] };

  beforeAll(async () => {
    cluster = await startReplicatedCluster();
    const setup = postgres(cluster.primaryUrl('postgres'), { max: 1, onnotice: () => {} });
    await setup.unsafe('create database minsheng');
    await setup.end();
    primary = await connect({ kind: 'postgres', url: cluster.primaryUrl('minsheng'), poolSize: 6 });
    await primary.rows(sql`create extension pg_stat_statements`);
    await migrate(primary);
    await seedDadukou(primary);
    admin = { authorization: `Bearer ${(await createKeys(primary, { admin: WRITE_TEST_KEYS.admin })).admin}` };
    await cluster.caughtUp();
    const shared = { redisUrl: process.env.TEST_REDIS_URL, redisKeyPrefix: `${uniqueName('replicas')}:`, dataVersionPollMs: POLL_MS };
    tolerant = await startApi({
      db: primary,
      settings: { ...shared, metricsToken: METRICS_TOKEN },
      replicas: { replicas: [{ name: 'replica', db: await replicaDb() }], maxLagMs: 600_000 },
    });
    strict = await startApi({ db: primary, settings: shared, replicas: { replicas: [{ name: 'replica', db: await replicaDb() }], maxLagMs: 0 } });
  }, 180_000);
  afterAll(async () => {
    await tolerant?.close();
    await strict?.close();
    await primary?.close();
    await cluster?.stop();
  });

  it('plain reads are answered by the replica, not the primary', async () => {
    const [onReplica, onPrimary] = [await readsOn(cluster.replicaUrl('minsheng')), await readsOn(cluster.primaryUrl('minsheng'))];
    for (let n = 0; n < 20; n++) expect((await name(tolerant)).name).toBe('Kaier Xinyi Care Home');
    expect((await readsOn(cluster.replicaUrl('minsheng'))) - onReplica).toBeGreaterThanOrEqual(20);
    expect((await readsOn(cluster.primaryUrl('minsheng'))) - onPrimary).toBe(0);
    const ready = await readyz(tolerant);
    expect(ready.replicas).toEqual([expect.objectContaining({ name: 'replica', reachable: true, serving: true, lagMs: 0 })]);
    const scraped = await (await fetch(`${tolerant.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const series = Object.fromEntries(prometheusSamples(scraped).map((sample) => [sample.series, sample.value]));
    expect(series).toMatchObject({ 'minsheng_replica_lag_seconds{replica="replica"}': 0, 'minsheng_replica_serving{replica="replica"}': 1 });
    // Its statements are timed like the primary's.
    expect(series['minsheng_sql_statement_duration_seconds_count{outcome="ok"}']).toBeGreaterThanOrEqual(20);
  });

  it('a writer reads its write at once through any instance; no client is answered older than it has seen', async () => {
    const before = await name(tolerant);
    const { revision } = (await tolerant.data(`{ facility(slug: "${CARE_HOME}") { revision } }`)).facility;
    await cluster.pauseReplay(); // the replica now keeps the data as it is
    try {
      const written = await tolerant.query(
        UPDATE,
        { input: { kind: 'FACILITY', key: CARE_HOME, expectedRevision: revision, publish: true, changes: { name_en: 'Kaier Xinyi Care Home (replicated)' } } },
        admin,
      );
      expect(written.body).toMatchObject({ data: { updateRecord: { userErrors: [] } } });
      const version = Number(written.headers.get('minsheng-data-version'));
      expect(version).toBeGreaterThan(before.version);
      // The writer, through either instance, at once.
      expect(await name(tolerant, admin)).toEqual({ name: 'Kaier Xinyi Care Home (replicated)', version });
      expect(await name(strict, admin)).toEqual({ name: 'Kaier Xinyi Care Home (replicated)', version });
      // Anyone else may be answered by the replica within its allowed lag, and is told which version that is…
      expect(await name(tolerant)).toEqual(before);
      // …unless it has seen the newer version: then it never gets the older one.
      expect(await name(tolerant, { 'minsheng-data-version': String(version) })).toEqual({ name: 'Kaier Xinyi Care Home (replicated)', version });
      // Where no lag is allowed, the replica is skipped once the instance has seen the primary move on.
      await until('the strict instance skips the replica', async () => (await readyz(strict)).replicas[0]!.serving === false);
      expect(await name(strict)).toEqual({ name: 'Kaier Xinyi Care Home (replicated)', version });
    } finally {
      await cluster.resumeReplay();
    }
    await cluster.caughtUp();
    await until(
      'the replica serves again',
      async () => (await readyz(strict)).replicas[0]!.serving && (await readyz(tolerant)).replicas[0]!.dataVersion === before.version + 1,
    );
    const onReplica = await readsOn(cluster.replicaUrl('minsheng'));
    expect((await name(strict)).name).toBe('Kaier Xinyi Care Home (replicated)');
    expect((await name(tolerant)).name).toBe('Kaier Xinyi Care Home (replicated)');
    expect((await readsOn(cluster.replicaUrl('minsheng'))) - onReplica).toBeGreaterThanOrEqual(2);
  });

  it('the replica stopped under reads: they move to the primary, none fails, and they move back', async () => {
    const expected = (await name(tolerant)).name;
    let stopped = false;
    let answered = 0;
    const failures: unknown[] = [];
    // Reads run all the while the replica stops and starts again; the first failure ends them.
    const reads = (async () => {
      while (!stopped) {
        const [one, other] = await Promise.all([name(tolerant), name(strict)]);
        expect([one.name, other.name]).toEqual([expected, expected]);
        answered += 2;
      }
    })().catch((error: unknown) => {
      stopped = true;
      failures.push(error);
    });
    const untilOrFailed = (what: string, condition: () => Promise<boolean>) => until(what, async () => failures.length > 0 || (await condition()));
    try {
      await cluster.stopReplica();
      await untilOrFailed('the replica is seen away', async () => (await readyz(tolerant)).replicas[0]!.reachable === false);
      const whileAway = answered;
      await untilOrFailed('reads answered while it is away', async () => answered >= whileAway + 10);
    } finally {
      await cluster.startReplica();
    }
    await untilOrFailed('the replica is back', async () => (await readyz(tolerant)).replicas[0]!.serving);
    const onReplica = await readsOn(cluster.replicaUrl('minsheng'));
    await untilOrFailed('reads on the replica again', async () => (await readsOn(cluster.replicaUrl('minsheng'))) > onReplica + 5);
    stopped = true;
    await reads;
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(20);
  }, 90_000);

  it('a data version header that is not one, or is newer than the data, is refused with what to send', async () => {
    const bad = await tolerant.query(NAME, undefined, { 'minsheng-data-version': 'latest' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.message).toContain('must be one data version, a whole number');
    const current = (await name(tolerant)).version;
    const ahead = await tolerant.query(NAME, undefined, { 'minsheng-data-version': String(current + 1000) });
    expect(ahead.status).toBe(400);
    expect(ahead.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_REQUEST', newestDataVersion: current } });
  });
});
