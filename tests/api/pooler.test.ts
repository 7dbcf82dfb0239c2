import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { connect, type Database } from '../../src/db/connection.js';
import { PooledSettingsMissing } from '../../src/db/pooler.js';
import { startApi, type TestApi } from '../support/api.js';
import { onServer, openTestDatabase, serverUrl, testBackend } from '../support/databases.js';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.js';

// Behind PgBouncer in transaction mode (DB_POOLER=transaction): ten client connections share two server
// connections, so nothing may rely on a connection of its own (no statement prepared by name, no startup
// parameters). Every answer through the pooler must equal the answer straight from PostgreSQL.
const STATEMENT_TIMEOUT_MS = 5000;

describe.runIf(testBackend() === 'postgres')('behind PgBouncer in transaction mode', () => {
  let direct: Database & { name: string };
  let bouncer: PgBouncer;
  let pooled: Database;
  let viaPooler: TestApi;
  let straight: TestApi;
  let admin: Record<string, string>;

  beforeAll(async () => {
    direct = await openTestDatabase(inject('seeded'));
    // What the server would send per connection, as the database's defaults (docs/operations.md).
    await onServer((server) => server.unsafe(`alter database "${direct.name}" set statement_timeout = '${STATEMENT_TIMEOUT_MS}'`));
    bouncer = await startPgBouncer(new URL(serverUrl()), 2);
    pooled = await connect({ kind: 'postgres', url: bouncer.url(direct.name), poolSize: 10, pooler: 'transaction', statementTimeoutMs: STATEMENT_TIMEOUT_MS });
    viaPooler = await startApi({ db: pooled });
    straight = await startApi({ db: direct });
    admin = { authorization: `Bearer ${(await createApiKey(direct, 'pooler admin', 'standard', { role: 'admin' })).key}` };
  }, 60_000);
  afterAll(async () => {
    await viaPooler?.close();
    await straight?.close();
    await pooled?.close();
    await bouncer?.stop();
    await direct?.close();
  });

  it('the start is refused, with the statement that fixes it, when the database does not default to the settings', async () => {
    const refused = connect({ kind: 'postgres', url: bouncer.url(direct.name), pooler: 'transaction', statementTimeoutMs: 7000 });
    await expect(refused).rejects.toThrow(PooledSettingsMissing);
    await expect(refused).rejects.toThrow(
      `found statement_timeout=${STATEMENT_TIMEOUT_MS}. Run on PostgreSQL: ALTER DATABASE "${direct.name}" SET statement_timeout = '7000';`,
    );
    // Commands (no statement timeout) are sent to PostgreSQL itself.
    await expect(connect({ kind: 'postgres', url: bouncer.url(direct.name), pooler: 'transaction', statementTimeoutMs: 0 })).rejects.toThrow(
      'DATABASE_URL naming PostgreSQL itself',
    );
  });

  it('statements through the pooler run with the statement timeout', async () => {
    const [row] = await pooled.rows<{ timeout: string }>(sql`select current_setting('statement_timeout') as timeout`);
    expect(row!.timeout).toBe('5s');
  });

  it('sixty concurrent reads of every kind answer as they do straight from PostgreSQL', async () => {
    const reads = [
      ['query ($first: Int!) { facilities(first: $first) { totalCount nodes { slug division { code } } } }', { first: 7 }],
      ['query ($first: Int!) { programs(first: $first) { nodes { slug facilities(first: 3) { nodes { slug } } } } }', { first: 4 }],
      ['{ search(query: "养老", first: 10) { nodes { __typename ... on Facility { slug } } } }', {}],
      ['{ observationAggregate(groupBy: [YEAR], filter: { indicatorCode: ["cultural-events-held"] }) { year count sum qualifier } }', {}],
      ['query ($key: [String!]) { observations(filter: { key: $key }) { nodes { value unit label(lang: EN) } } }', { key: ['elderly-care-beds'] }],
      ['{ indicators(first: 20) { nodes { code latest { value } } } }', {}],
    ] as const;
    const expected = await Promise.all(reads.map(([query, variables]) => straight.data(query, variables)));
    const answers = await Promise.all(Array.from({ length: 60 }, (_, n) => viaPooler.data(reads[n % reads.length]![0], reads[n % reads.length]![1])));
    answers.forEach((answer, n) => expect(answer).toEqual(expected[n % reads.length]));
  });

  it('a publish through the pooler, among reads, is seen at once, and a whole CSV download streams through it', async () => {
    const { observations } = await viaPooler.data('{ observations(filter: { key: ["elderly-care-beds"] }) { nodes { revision } } }');
    const revision = observations.nodes[0].revision as number;
    const [published] = await Promise.all([
      viaPooler.data(
        `mutation ($revision: Int!) { updateRecord(input: { kind: OBSERVATION, key: "elderly-care-beds", expectedRevision: $revision, publish: true,
          changes: { label_en: "2,044 beds (pooled)" } }) { revision userErrors { code message } } }`,
        { revision },
        admin,
      ),
      ...Array.from({ length: 10 }, () => viaPooler.data('{ facilities(first: 20) { nodes { slug } } }')),
    ]);
    expect(published.updateRecord).toEqual({ revision: revision + 1, userErrors: [] });
    const after = await straight.data('{ observations(filter: { key: ["elderly-care-beds"] }) { nodes { revision label(lang: EN) } } }');
    expect(after.observations.nodes).toEqual([{ revision: revision + 1, label: '2,044 beds (pooled)' }]);

    const download = await fetch(`${viaPooler.url}/v1/data/observations.csv`);
    expect(download.status).toBe(200);
    const records = (await download.text()).trimEnd().split('\r\n').length - 1;
    expect(records).toBe(Number(download.headers.get('x-row-count')));
    expect(records).toBe((await straight.data('{ observations { totalCount } }')).observations.totalCount);
  });
});
