import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import type { Database } from '../../src/db/connection.js';
import { startApi, type TestApi } from '../support/api.js';
import { createKeys, WRITE_TEST_KEYS } from '../support/keys.js';
import { seededWithout, type SeededWithout } from '../support/seededWithout.js';

// Writing through the API: an editor proposes, a publisher publishes. The database is seeded without the
// Gudu community canteen, so that creating it through the API adds a record the report really names.
const CANTEEN_SLUG = 'gudu-community-elderly-canteen';
let canteen: Record<string, unknown>;
let seeded: SeededWithout;
let seedsDir: string;
let db: Database;
let api: TestApi;
const keys: Record<string, string> = {};

beforeAll(async () => {
  seeded = await seededWithout(CANTEEN_SLUG);
  ({ db, seedsDir } = seeded);
  canteen = seeded.facility;
  api = await startApi({ db });
  Object.assign(keys, await createKeys(db, WRITE_TEST_KEYS));
});
afterAll(async () => {
  await api?.close();
  await seeded?.close();
});

const as = (name: string) => ({ authorization: `Bearer ${keys[name]}` });

const PAYLOAD =
  'clientMutationId revision draft { id kind key operation status baseRevision author publishedRevision record } userErrors { field code message }';
const CREATE = `mutation ($input: CreateRecordInput!) { createRecord(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { ${PAYLOAD} } }`;
const RETIRE = `mutation ($input: RetireRecordInput!) { retireRecord(input: $input) { ${PAYLOAD} } }`;
const PUBLISH = `mutation ($input: PublishDraftInput!) { publishDraft(input: $input) { ${PAYLOAD} } }`;
const REJECT = `mutation ($input: RejectDraftInput!) { rejectDraft(input: $input) { ${PAYLOAD} } }`;
const FACILITY = `query ($slug: String!) { facility(slug: $slug) { slug nameZh: name(lang: ZH) revision } }`;

async function counts() {
  const [row] = await db.rows<Record<string, number>>(sql`
    select (select count(*) from facilities)::int as facilities, (select count(*) from facility_citations)::int as citations,
      (select count(*) from drafts)::int as drafts, (select count(*) from published_records)::int as published,
      (select data_version from dataset_state)::int as version`);
  return row!;
}

describe('an editor proposes, a publisher publishes', () => {
  it('a new canteen is a draft nobody else sees until it is published, then everyone does', async () => {
    const before = await counts();
    const proposed = await api.query(CREATE, { input: { kind: 'FACILITY', record: canteen, clientMutationId: 'c1' } }, as('elderly editor'));
    expect(proposed.status).toBe(200);
    const payload = proposed.body.data.createRecord;
    expect(payload.userErrors).toEqual([]);
    expect(payload.clientMutationId).toBe('c1');
    expect(payload.draft).toMatchObject({ kind: 'FACILITY', key: CANTEEN_SLUG, operation: 'CREATE', status: 'PENDING', baseRevision: null, record: canteen });
    expect(await counts()).toEqual({ ...before, drafts: before.drafts + 1 });

    // The public sees nothing of it: not the lookup, not the list, not the search.
    expect((await api.data(FACILITY, { slug: CANTEEN_SLUG })).facility).toBeNull();
    const search = await api.data('{ search(query: "古渡社区老年食堂") { nodes { __typename } } }');
    expect(search.search.nodes.filter((node: { __typename: string }) => node.__typename === 'Facility')).toEqual([]);

    const published = await api.query(PUBLISH, { input: { draft: payload.draft.id } }, as('elderly publisher'));
    expect(published.body.data.publishDraft).toMatchObject({ userErrors: [], revision: 1, draft: { status: 'PUBLISHED', publishedRevision: 1 } });
    expect((await api.data(FACILITY, { slug: CANTEEN_SLUG })).facility).toEqual({ slug: CANTEEN_SLUG, nameZh: canteen.name_zh, revision: 1 });
    const after = await counts();
    expect(after).toMatchObject({ facilities: before.facilities + 1, citations: before.citations + 1, published: before.published + 1 });
    expect(after.version).toBe(before.version + 1);
  });
});

const CARE_HOME = 'kaier-xinyi-care-home';

async function revisionOf(slug: string): Promise<number> {
  return (await api.data(FACILITY, { slug })).facility.revision;
}

/** Rejects whatever draft of the record is pending, so that the next proposal starts clean. */
async function clearPending() {
  const pending = await api.data('{ drafts(status: PENDING, first: 100) { nodes { id } } }', undefined, as('admin'));
  for (const { id } of pending.drafts.nodes) {
    expect((await api.data(REJECT, { input: { draft: id, reason: 'test clean-up' } }, as('admin'))).rejectDraft.userErrors).toEqual([]);
  }
}

describe('who may write: the permission matrix', () => {
  // Each cell: who asks, and what they get: a draft, or the HTTP status and code of the refusal.
  const proposers: [string | undefined, 'draft' | [number, string]][] = [
    [undefined, [401, 'UNAUTHENTICATED']],
    ['reader', [403, 'FORBIDDEN']],
    ['elderly editor', 'draft'],
    ['education editor', [403, 'FORBIDDEN']],
    ['elderly publisher', 'draft'],
    ['education publisher', [403, 'FORBIDDEN']],
    ['admin', 'draft'],
  ];

  for (const operation of ['update', 'retire'] as const) {
    for (const [who, expected] of proposers) {
      it(`${operation} of an elderly-care facility by ${who ?? 'anonymous'}: ${expected === 'draft' ? 'a draft' : expected.join(' ')}`, async () => {
        await clearPending();
        // Retired: the canteen created above, which no record names (the care home is named by others).
        const slug = operation === 'update' ? CARE_HOME : CANTEEN_SLUG;
        const revision = await revisionOf(slug);
        const before = await counts();
        const input =
          operation === 'update'
            ? { kind: 'FACILITY', key: slug, changes: { status: 'open' }, expectedRevision: revision }
            : { kind: 'FACILITY', key: slug, reason: 'matrix test', expectedRevision: revision };
        const answer = await api.query(operation === 'update' ? UPDATE : RETIRE, { input }, who ? as(who) : {});
        const field = operation === 'update' ? 'updateRecord' : 'retireRecord';
        if (expected === 'draft') {
          expect(answer.status).toBe(200);
          expect(answer.body.data[field]).toMatchObject({
            userErrors: [],
            draft: { operation: operation.toUpperCase(), status: 'PENDING', baseRevision: revision },
          });
          expect((await counts()).drafts).toBe(before.drafts + 1);
        } else {
          expect(answer.status).toBe(expected[0]);
          expect(answer.body.errors?.[0]?.extensions?.code).toBe(expected[1]);
          if (who === 'education editor' || who === 'education publisher') {
            expect(answer.body.errors![0]!.message).toContain('domain ELDERLY_CARE'); // names the scope that is missing
          }
          expect(await counts()).toEqual(before);
        }
        expect(await revisionOf(slug)).toBe(revision); // a proposal never changes the record
      });
    }
  }

  const deciders: [string | undefined, 'done' | [number, string]][] = [
    [undefined, [401, 'UNAUTHENTICATED']],
    ['reader', [403, 'FORBIDDEN']],
    ['elderly editor', [403, 'FORBIDDEN']],
    ['education publisher', [403, 'FORBIDDEN']],
    ['elderly publisher', 'done'],
    ['admin', 'done'],
  ];
  for (const decision of ['publish', 'reject'] as const) {
    for (const [who, expected] of deciders) {
      it(`${decision} of an elderly-care draft by ${who ?? 'anonymous'}: ${expected === 'done' ? decision + 'ed' : expected.join(' ')}`, async () => {
        await clearPending();
        const revision = await revisionOf(CARE_HOME);
        const proposed = await api.data(
          UPDATE,
          { input: { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision } },
          as('elderly editor'),
        );
        const draft = proposed.updateRecord.draft.id;
        const before = await counts();
        const input = decision === 'publish' ? { draft } : { draft, reason: 'matrix test' };
        const answer = await api.query(decision === 'publish' ? PUBLISH : REJECT, { input }, who ? as(who) : {});
        if (expected === 'done') {
          const payload = answer.body.data[decision === 'publish' ? 'publishDraft' : 'rejectDraft'];
          expect(payload.userErrors).toEqual([]);
          expect(payload.draft.status).toBe(decision === 'publish' ? 'PUBLISHED' : 'REJECTED');
          expect(await revisionOf(CARE_HOME)).toBe(decision === 'publish' ? revision + 1 : revision);
          expect((await counts()).version).toBe(decision === 'publish' ? before.version + 1 : before.version);
        } else {
          expect(answer.status).toBe(expected[0]);
          expect(answer.body.errors?.[0]?.extensions?.code).toBe(expected[1]);
          expect(await counts()).toEqual(before);
          expect(await revisionOf(CARE_HOME)).toBe(revision);
        }
      });
    }
  }

  it('drafts are seen by their organizations and domains, publishers and admins; never by readers or the public', async () => {
    await clearPending();
    const revision = await revisionOf(CARE_HOME);
    const { updateRecord } = await api.data(
      UPDATE,
      { input: { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision } },
      as('elderly editor'),
    );
    const seen = async (who: string) => (await api.data('{ drafts(status: PENDING) { nodes { id key } } }', undefined, as(who))).drafts.nodes;
    expect(await seen('elderly editor')).toEqual([{ id: updateRecord.draft.id, key: CARE_HOME }]);
    expect(await seen('elderly publisher')).toEqual([{ id: updateRecord.draft.id, key: CARE_HOME }]);
    expect(await seen('admin')).toEqual([{ id: updateRecord.draft.id, key: CARE_HOME }]);
    expect(await seen('education editor')).toEqual([]);
    expect(await seen('reader')).toEqual([]);
    // A reader's scope gives it no drafts: it takes no part in review.
    const scopedReader = (await createApiKey(db, 'scoped reader', 'standard', { role: 'reader', domains: ['elderly_care'] })).key;
    expect((await api.data('{ drafts(status: PENDING) { nodes { id } } }', undefined, { authorization: `Bearer ${scopedReader}` })).drafts.nodes).toEqual([]);
    const anonymous = await api.query('{ drafts { nodes { id } } }');
    expect(anonymous.status).toBe(401);
  });
});

it('a record that live records still name cannot be retired: STILL_NAMED lists them', async () => {
  await clearPending();
  const revision = await revisionOf(CARE_HOME);
  const before = await everyTable();
  const answer = await api.data(RETIRE, { input: { kind: 'FACILITY', key: CARE_HOME, reason: 'test', expectedRevision: revision } }, as('admin'));
  expect(answer.retireRecord.draft).toBeNull();
  expect(answer.retireRecord.userErrors).toEqual([{ field: ['key'], code: 'STILL_NAMED', message: expect.stringMatching(/^it is still named by .*\(/) }]);
  expect(await everyTable()).toEqual(before);
});

describe('a publisher’s own change, published at once', () => {
  it('publish: true makes and publishes the draft in one step, both audited; an editor may not', async () => {
    await clearPending();
    const revision = await revisionOf(CARE_HOME);
    const input = { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision, publish: true };
    const before = await counts();
    const refused = await api.query(UPDATE, { input }, as('elderly editor'));
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.message).toContain('publish: true');
    expect(await counts()).toEqual(before);

    const since = await lastAuditId();
    const answer = await api.data(UPDATE, { input }, as('elderly publisher'));
    expect(answer.updateRecord).toMatchObject({ userErrors: [], revision: revision + 1, draft: { status: 'PUBLISHED', publishedRevision: revision + 1 } });
    expect(await revisionOf(CARE_HOME)).toBe(revision + 1);
    expect((await auditEntries(since)).map(({ operation, outcome }) => `${operation} ${outcome}`)).toEqual(['update proposed', 'publish published']);
    expect((await counts()).version).toBe(before.version + 1);
  });
});

describe('no lost update', () => {
  it('20 editors change one record from the same revision: one draft, nineteen CONFLICTs, and the record is the winner’s', async () => {
    await clearPending();
    const editors = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await createApiKey(db, `care editor ${i}`, 'standard', { role: 'editor', domains: ['elderly_care'] })).key),
    );
    const revision = await revisionOf(CARE_HOME);
    const original = (await api.data('{ facility(slug: "kaier-xinyi-care-home") { description(lang: EN) } }')).facility.description;
    const answers = await Promise.all(
      editors.map((key, i) =>
        api.data(
          UPDATE,
          { input: { kind: 'FACILITY', key: CARE_HOME, changes: { description_en: `${original} [edit ${i}]` }, expectedRevision: revision } },
          { authorization: `Bearer ${key}` },
        ),
      ),
    );
    const winners = answers.map((answer, i) => ({ i, payload: answer.updateRecord })).filter(({ payload }) => payload.draft !== null);
    expect(winners).toHaveLength(1);
    const losers = answers.filter((answer) => answer.updateRecord.draft === null);
    expect(losers).toHaveLength(19);
    for (const loser of losers) expect(loser.updateRecord.userErrors.map((e: { code: string }) => e.code)).toEqual(['CONFLICT']);

    const published = await api.data(PUBLISH, { input: { draft: winners[0]!.payload.draft.id, expectedRevision: revision } }, as('elderly publisher'));
    expect(published.publishDraft).toMatchObject({ userErrors: [], revision: revision + 1 });
    const now = (await api.data('{ facility(slug: "kaier-xinyi-care-home") { description(lang: EN) revision } }')).facility;
    expect(now).toEqual({ description: `${original} [edit ${winners[0]!.i}]`, revision: revision + 1 });

    // A change made from the old revision is now a conflict, naming the current one.
    const stale = await api.data(
      UPDATE,
      { input: { kind: 'FACILITY', key: CARE_HOME, changes: { description_en: original }, expectedRevision: revision } },
      as('elderly editor'),
    );
    expect(stale.updateRecord.userErrors).toEqual([
      { field: ['expectedRevision'], code: 'CONFLICT', message: expect.stringContaining(`at revision ${revision + 1}`) },
    ]);
    // Put it back, as a reviewed change.
    const back = await api.data(
      UPDATE,
      { input: { kind: 'FACILITY', key: CARE_HOME, changes: { description_en: original }, expectedRevision: revision + 1 } },
      as('elderly editor'),
    );
    expect((await api.data(PUBLISH, { input: { draft: back.updateRecord.draft.id } }, as('admin'))).publishDraft.userErrors).toEqual([]);
  });

  it('a draft made from a revision that has moved on cannot be published', async () => {
    await clearPending();
    const revision = await revisionOf(CARE_HOME);
    const first = await api.data(
      UPDATE,
      { input: { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision } },
      as('elderly editor'),
    );
    // The seed moves the record on underneath the draft (its status changes in a copy of the seeds, then back).
    const file = path.join(seedsDir, 'facilities.json');
    const facilities = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    const published = (await api.data(PUBLISH, { input: { draft: first.updateRecord.draft.id } }, as('admin'))).publishDraft;
    expect(published.revision).toBe(revision + 1);
    const again = await api.data(
      UPDATE,
      { input: { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision + 1 } },
      as('elderly editor'),
    );
    await db.rows(sql`update facilities set revision = revision + 1 where slug = ${CARE_HOME}`);
    const late = await api.data(PUBLISH, { input: { draft: again.updateRecord.draft.id } }, as('admin'));
    expect(late.publishDraft.draft).toBeNull();
    expect(late.publishDraft.userErrors).toEqual([
      { field: ['draft'], code: 'CONFLICT', message: expect.stringContaining(`made from revision ${revision + 1}`) },
    ]);
    expect(facilities.length).toBeGreaterThan(0);
  });
});

/** Every table's content (and the rollups'), but the audit log's: a refused or failed write must leave them all as they were. */
async function everyTable(): Promise<Record<string, string>> {
  const tables = await db.rows<{ name: string }>(sql`
    select table_name as name from information_schema.tables where table_schema = 'public' and table_name <> 'audit_log' and table_name not like '\\_\\_%'
    union all select matviewname from pg_matviews where schemaname = 'public' order by 1`);
  const contents: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.rows<{ digest: string }>(sql.raw(`select coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as digest from "${name}" t`));
    contents[name] = row!.digest;
  }
  return contents;
}

async function auditEntries(since: number) {
  return db.rows<{ id: number; principal: string; operation: string; outcome: string; kind: string | null; key: string | null; detail: string | null }>(sql`
    select id::int as id, principal, operation, outcome, kind, key, detail from audit_log where id > ${since} order by id`);
}
const lastAuditId = async () => (await db.rows<{ id: number }>(sql`select coalesce(max(id), 0)::int as id from audit_log`))[0]!.id;

const FIGURE = '{ observations(filter: { key: ["sound-of-blossoms-concerts-held"] }) { nodes { labelEn: label(lang: EN) revision } } }';

describe('provenance and validation: a change that fails its checks writes nothing', () => {
  const cases: [string, (record: Record<string, unknown>) => Record<string, unknown>, { field: string[]; code: string }][] = [
    [
      'a quote that is not in the source',
      (r) => ({ ...r, slug: 'gudu-canteen-copy', citations: [{ source: 'dadukou-2023-livelihood', quote: '古渡社区老年食堂共有五十个座位' }] }),
      { field: ['citations', '0', 'quote'], code: 'QUOTE_NOT_IN_SOURCE' },
    ],
    [
      'a division that does not exist',
      (r) => ({ ...r, slug: 'gudu-canteen-copy', division_code: '999999' }),
      { field: ['division_code'], code: 'UNKNOWN_REFERENCE' },
    ],
    ['a category outside the vocabulary', (r) => ({ ...r, slug: 'gudu-canteen-copy', category: 'food_truck' }), { field: ['category'], code: 'INVALID' }],
    ['a record with no citation', (r) => ({ ...r, slug: 'gudu-canteen-copy', citations: [] }), { field: ['citations'], code: 'INVALID' }],
    ['a key that already exists', (r) => r, { field: ['slug'], code: 'ALREADY_EXISTS' }],
  ];
  for (const [what, change, expected] of cases) {
    it(`${what}: ${expected.code} on ${expected.field.join('.')}`, async () => {
      await clearPending();
      const before = await everyTable();
      const since = await lastAuditId();
      const answer = await api.data(CREATE, { input: { kind: 'FACILITY', record: change(canteen) } }, as('elderly editor'));
      expect(answer.createRecord.draft).toBeNull();
      expect(answer.createRecord.userErrors).toEqual([expect.objectContaining(expected)]);
      expect(await everyTable()).toEqual(before);
      expect(await auditEntries(since)).toEqual([
        expect.objectContaining({ operation: 'create', outcome: 'invalid', principal: expect.stringContaining('elderly editor') }),
      ]);
    });
  }

  it('a figure whose value disagrees with its own quote: CONTRADICTS_QUOTE, on update as on create', async () => {
    await clearPending();
    const observation = (await api.data(FIGURE.replace('labelEn: label(lang: EN)', 'value'))).observations.nodes[0];
    expect(observation.value).toBe(13);
    const before = await everyTable();
    const answer = await api.data(
      UPDATE,
      { input: { kind: 'OBSERVATION', key: 'sound-of-blossoms-concerts-held', changes: { value: 14 }, expectedRevision: observation.revision } },
      as('admin'),
    );
    expect(answer.updateRecord.draft).toBeNull();
    expect(answer.updateRecord.userErrors).toEqual(expect.arrayContaining([expect.objectContaining({ field: ['value'], code: 'CONTRADICTS_QUOTE' })]));
    expect(await everyTable()).toEqual(before);
  });
});

describe('drafts stay out of what the public reads', () => {
  it('the response cache and every read see a change only once it is published', async () => {
    await clearPending();
    const cached = await startApi({ db, settings: { responseCacheMaxBytes: 1_000_000, dataVersionPollMs: 20 } });
    try {
      const QUERY = FIGURE;
      const first = await cached.query(QUERY);
      const observation = first.body.data.observations.nodes[0];
      const proposed = await api.data(
        UPDATE,
        {
          input: {
            kind: 'OBSERVATION',
            key: 'sound-of-blossoms-concerts-held',
            changes: { label_en: '13 concerts so far' },
            expectedRevision: observation.revision,
          },
        },
        as('admin'),
      );
      expect(proposed.updateRecord.userErrors).toEqual([]);
      const whileDraft = await cached.query(QUERY);
      expect(whileDraft.headers.get('x-cache')).toBe('hit');
      expect(whileDraft.body.data).toEqual(first.body.data);
      expect((await api.data(QUERY)).observations.nodes[0]).toEqual(observation);

      expect((await api.data(PUBLISH, { input: { draft: proposed.updateRecord.draft.id } }, as('admin'))).publishDraft.userErrors).toEqual([]);
      await expect
        .poll(async () => (await cached.query(QUERY)).body.data.observations.nodes[0], { interval: 25, timeout: 5000 })
        .toEqual({ labelEn: '13 concerts so far', revision: observation.revision + 1 });
    } finally {
      await cached.close();
    }
  });
});

describe('over HTTP', () => {
  it('a mutation over GET is 405, and writes nothing', async () => {
    const before = await counts();
    const url = `${api.url}/graphql?query=${encodeURIComponent('mutation { rejectDraft(input: { draft: "1", reason: "x" }) { userErrors { code } } }')}`;
    const answer = await fetch(url, { headers: { accept: 'application/graphql-response+json', ...as('admin') } });
    expect(answer.status).toBe(405);
    expect(await counts()).toEqual(before);
  });

  it('a retry with the same Idempotency-Key gets the first answer and writes nothing twice; the key with another request is 422', async () => {
    await clearPending();
    const revision = await revisionOf(CARE_HOME);
    const body = JSON.stringify({
      query: UPDATE,
      variables: { input: { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision } },
    });
    const send = (requestBody: string, key: string) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, ...as('elderly editor') },
        body: requestBody,
      });
    const before = await counts();
    const since = await lastAuditId();
    const first = await send(body, 'retry-test-1');
    const firstText = await first.text();
    expect(first.status).toBe(200);
    expect(JSON.parse(firstText).data.updateRecord.draft.status).toBe('PENDING');
    const retry = await send(body, 'retry-test-1');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.text()).toBe(firstText);
    expect((await counts()).drafts).toBe(before.drafts + 1);
    expect((await auditEntries(since)).map((entry) => entry.outcome)).toEqual(['proposed']);

    const other = await send(body.replace('"open"', '"closed"'), 'retry-test-1');
    expect(other.status).toBe(422);
    expect(((await other.json()) as any).errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Without the key, the same request is a new one: the record already has a pending draft.
    const again = await send(body, 'retry-test-2');
    expect(((await again.json()) as any).data.updateRecord.userErrors[0].code).toBe('CONFLICT');
  });
});

describe('the audit trail', () => {
  it('records every proposal, publication and refusal, with who, what, and the record before and after', async () => {
    await clearPending();
    const since = await lastAuditId();
    const revision = await revisionOf(CARE_HOME);
    await api.query(UPDATE, { input: { kind: 'FACILITY', key: CARE_HOME, changes: { status: 'open' }, expectedRevision: revision } }, as('education editor'));
    const { updateRecord } = await api.data(
      UPDATE,
      { input: { kind: 'FACILITY', key: CARE_HOME, changes: { name_en: 'Kaier Xinyi Care Home' }, expectedRevision: revision } },
      as('elderly editor'),
    );
    await api.data(PUBLISH, { input: { draft: updateRecord.draft.id } }, as('elderly publisher'));
    const entries = await auditEntries(since);
    expect(entries.map(({ principal, operation, outcome, kind, key }) => ({ principal, operation, outcome, kind, key }))).toEqual([
      { principal: expect.stringContaining('education editor'), operation: 'update', outcome: 'refused', kind: 'facilities', key: CARE_HOME },
      { principal: expect.stringContaining('elderly editor'), operation: 'update', outcome: 'proposed', kind: 'facilities', key: CARE_HOME },
      { principal: expect.stringContaining('elderly publisher'), operation: 'publish', outcome: 'published', kind: 'facilities', key: CARE_HOME },
    ]);
    expect(entries[0]!.detail).toContain('domain ELDERLY_CARE');
    const [published] = await db.rows<{ revision: number; before: any; after: any }>(
      sql`select revision, before, after from audit_log where id = ${entries[2]!.id}`,
    );
    expect(published).toMatchObject({ revision: revision + 1, before: { slug: CARE_HOME }, after: { slug: CARE_HOME, name_en: 'Kaier Xinyi Care Home' } });
    const refused = await db.rows(sql`update audit_log set outcome = 'published' where id = ${entries[0]!.id}`).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error).cause ?? refused)).toMatch(/audit_log is append-only: UPDATE is not allowed/);
  });
});

describe('retiring a figure', () => {
  it('aggregates count it until the retirement is published, then never again; its row stays', async () => {
    await clearPending();
    const AGGREGATE = '{ observationAggregate(filter: { indicatorCode: ["sound-of-blossoms-concerts-held"] }, groupBy: [INDICATOR]) { count max } }';
    const before = (await api.data(AGGREGATE)).observationAggregate;
    expect(before).toEqual([{ count: 1, max: 13 }]);
    const { revision } = (await api.data(FIGURE)).observations.nodes[0];
    const proposed = await api.data(
      RETIRE,
      { input: { kind: 'OBSERVATION', key: 'sound-of-blossoms-concerts-held', reason: 'test of retirement', expectedRevision: revision } },
      as('admin'),
    );
    expect(proposed.retireRecord.userErrors).toEqual([]);
    expect((await api.data(AGGREGATE)).observationAggregate).toEqual(before);
    expect((await api.data(PUBLISH, { input: { draft: proposed.retireRecord.draft.id } }, as('admin'))).publishDraft.revision).toBe(revision + 1);
    expect((await api.data(AGGREGATE)).observationAggregate).toEqual([]);
    expect((await api.query(FIGURE)).body.errors?.[0]?.message).toContain('which does not exist'); // a retired key is no filter value
    const [row] = await db.rows<{ retired: boolean; revision: number }>(
      sql`select retired_at is not null as retired, revision from observations where key = 'sound-of-blossoms-concerts-held'`,
    );
    expect(row).toEqual({ retired: true, revision: revision + 1 });
  });
});
