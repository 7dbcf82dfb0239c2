import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { startApi, type TestApi } from '../support/api.js';
import { WRITES_APPLICATION_NAME } from '../../src/db/connection.js';
import { databaseUrl, testBackend } from '../support/databases.js';
import { createKeys, WRITE_TEST_KEYS } from '../support/keys.js';
import { seededWithout, type SeededWithout } from '../support/seededWithout.js';

// `publish: true` skips what the proposal just did in the same transaction (the lock, the check, the scope):
// concurrent publishers of one record must still never overwrite each other.
const CANTEEN_SLUG = 'gudu-community-elderly-canteen';
const CARE_HOME = 'kaier-xinyi-care-home';
let seeded: SeededWithout;
let db: Database;
let api: TestApi;
let admin: Record<string, string>;

const CREATE = 'mutation ($input: CreateRecordInput!) { createRecord(input: $input) { revision userErrors { code message } } }';
const UPDATE = 'mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { revision userErrors { code message } } }';

beforeAll(async () => {
  seeded = await seededWithout(CANTEEN_SLUG);
  db = seeded.db;
  api = await startApi({ db });
  admin = { authorization: `Bearer ${(await createKeys(db, { admin: WRITE_TEST_KEYS.admin })).admin}` };
});
afterAll(async () => {
  await api?.close();
  await seeded?.close();
});

const count = async (query: ReturnType<typeof sql>) => (await db.rows<{ n: number }>(query))[0]!.n;

it('ten publishers creating one record at once: one creates it, nine are told it exists or is being made', async () => {
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => api.data(CREATE, { input: { kind: 'FACILITY', record: seeded.facility, publish: true } }, admin)),
  );
  const created = answers.filter((answer) => answer.createRecord.revision === 1);
  expect(created).toHaveLength(1);
  for (const answer of answers.filter((answer) => answer.createRecord.revision !== 1)) {
    expect(answer.createRecord.userErrors.map((error: { code: string }) => error.code)).toEqual([expect.stringMatching(/^(CONFLICT|ALREADY_EXISTS)$/)]);
  }
  expect(await count(sql`select count(*)::int as n from facilities where slug = ${CANTEEN_SLUG}`)).toBe(1);
  expect(await count(sql`select count(*)::int as n from audit_log where key = ${CANTEEN_SLUG} and outcome = 'published'`)).toBe(1);
});

it('ten publishers changing one record from the same revision at once: one change is made, nine CONFLICTs', async () => {
  const { revision } = (await api.data(`{ facility(slug: "${CARE_HOME}") { revision } }`)).facility;
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, n) =>
      api.data(
        UPDATE,
        { input: { kind: 'FACILITY', key: CARE_HOME, expectedRevision: revision, publish: true, changes: { name_en: `Kaier Xinyi Care Home ${n}` } } },
        admin,
      ),
    ),
  );
  const winners = answers.flatMap((answer, n) => (answer.updateRecord.revision === revision + 1 ? [n] : []));
  expect(winners).toHaveLength(1);
  expect(answers.filter((answer) => answer.updateRecord.userErrors[0]?.code === 'CONFLICT')).toHaveLength(9);
  const after = (await api.data(`{ facility(slug: "${CARE_HOME}") { revision name(lang: EN) } }`)).facility;
  expect(after).toEqual({ revision: revision + 1, name: `Kaier Xinyi Care Home ${winners[0]}` });
});

it.skipIf(testBackend() !== 'postgres')(
  'ten publishers changing ten records at once: each change is made, and none waits for the writer lock on a reader’s connection',
  async () => {
    const { nodes } = (await api.data(`{ facilities(first: 10, orderBy: [{ field: SLUG }]) { nodes { slug revision } } }`)).facilities;
    // Sampled on a connection of its own while the writes run: writes of one server take their turn before they
    // take a connection, and run on connections of their own (src/db/writeTurns.ts), so none of the readers'
    // connections sits in PostgreSQL waiting for `dataset_state`.
    const [{ name }] = await db.rows<{ name: string }>(sql`select current_database() as name`);
    const watcher = postgres(databaseUrl(name!), { max: 1, onnotice: () => {} });
    let mostWaiting = 0;
    let watching = true;
    const watched = (async () => {
      while (watching) {
        const [row] = await watcher<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query ilike '%dataset_state%for update%'
            and application_name <> ${WRITES_APPLICATION_NAME}`;
        mostWaiting = Math.max(mostWaiting, row!.n);
      }
    })();
    try {
      const answers = await Promise.all(
        nodes.map((node: { slug: string; revision: number }) =>
          api.data(
            UPDATE,
            { input: { kind: 'FACILITY', key: node.slug, expectedRevision: node.revision, publish: true, changes: { name_en: `${node.slug} (renamed)` } } },
            admin,
          ),
        ),
      );
      expect(answers.map((answer) => answer.updateRecord.userErrors)).toEqual(nodes.map(() => []));
      expect(answers.map((answer) => answer.updateRecord.revision)).toEqual(nodes.map((node: { revision: number }) => node.revision + 1));
    } finally {
      watching = false;
      await watched;
      await watcher.end();
    }
    expect(mostWaiting).toBe(0);
  },
);
