import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_COST } from '../../src/limits/operationShape.js';
import type { Database } from '../../src/db/connection.js';
import { startApi, type TestApi } from '../support/api.js';
import { createKeys, WRITE_TEST_KEYS } from '../support/keys.js';
import { seededWithout, type SeededWithout } from '../support/seededWithout.js';

// Reading with drafts (`query @includeDrafts`): the data as publishing the caller's reviewable drafts would
// make it, for editors, publishers and admins of the drafts' scope; nothing written, nothing cached. The
// database is seeded without the Gudu community canteen, so that a draft can create a record the report names.
const CANTEEN_SLUG = 'gudu-community-elderly-canteen';
const CARE_HOME = 'kaier-xinyi-care-home';
const CARE_HOME_EN = 'Kaier Xinyi Home for the Aged';
const FIGURE_KEY = 'sichuan-chongqing-national-municipal-events-2023';
let canteen: Record<string, unknown>;
let seeded: SeededWithout;
let db: Database;
let api: TestApi;
const keys: Record<string, string> = {};
const draftIds: Record<string, string> = {};

const as = (name: string) => ({ authorization: `Bearer ${keys[name]}` });
const PAYLOAD = 'revision draft { id } userErrors { field code message }';
const CREATE = `mutation ($input: CreateRecordInput!) { createRecord(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { ${PAYLOAD} } }`;
const RETIRE = `mutation ($input: RetireRecordInput!) { retireRecord(input: $input) { ${PAYLOAD} } }`;
const PUBLISH = `mutation ($input: PublishDraftInput!) { publishDraft(input: $input) { ${PAYLOAD} } }`;

// One read of everything the drafts touch: a lookup, a list's count, a search and an aggregate over yearly totals.
const READ = `
  careHome: facility(slug: "${CARE_HOME}") { nameEn: name(lang: EN) revision }
  canteen: facility(slug: "${CANTEEN_SLUG}") { slug revision }
  elderlyCare: facilities(filter: { domain: [ELDERLY_CARE] }) { totalCount }
  search(query: "古渡社区老年食堂") { nodes { __typename ... on Facility { slug } } }
  events: observationAggregate(groupBy: [YEAR], filter: { indicatorCode: ["cultural-events-held"] }) { year count sum qualifier }`;
const WITH_DRAFTS = `query WithDrafts @includeDrafts {${READ} }`;
const PLAIN = `query Plain {${READ} }`;

/** An answer whose body the assertions read as they find it (extensions included). */
async function ask(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const answer = await api.query(query, variables, headers);
  return { status: answer.status, headers: answer.headers, body: answer.body as any };
}

async function state() {
  const [row] = await db.rows<Record<string, number>>(sql`
    select (select count(*) from audit_log)::int as audit, (select count(*) from facilities)::int as facilities,
      (select count(*) from drafts where status = 'pending')::int as pending, (select data_version from dataset_state)::int as version,
      (select sum(revision) from facilities)::int as facility_revisions, (select count(*) from observations where retired_at is null)::int as figures`);
  return row!;
}

async function proposed(mutation: string, field: string, input: Record<string, unknown>, who: string): Promise<string> {
  const payload = (await api.data(mutation, { input }, as(who)))[field];
  expect(payload.userErrors).toEqual([]);
  return payload.draft.id as string;
}

beforeAll(async () => {
  seeded = await seededWithout(CANTEEN_SLUG);
  ({ db } = seeded);
  canteen = seeded.facility;
  api = await startApi({ db });
  Object.assign(keys, await createKeys(db, WRITE_TEST_KEYS));

  const careHome = (await api.data(`{ facility(slug: "${CARE_HOME}") { revision } }`)).facility.revision;
  draftIds.canteen = await proposed(CREATE, 'createRecord', { kind: 'FACILITY', record: canteen }, 'elderly editor');
  draftIds.careHome = await proposed(
    UPDATE,
    'updateRecord',
    { kind: 'FACILITY', key: CARE_HOME, changes: { name_en: CARE_HOME_EN }, expectedRevision: careHome },
    'elderly editor',
  );
  const figure = (await api.data(`{ observations(filter: { key: ["${FIGURE_KEY}"] }) { nodes { revision } } }`)).observations.nodes[0].revision;
  draftIds.figure = await proposed(RETIRE, 'retireRecord', { kind: 'OBSERVATION', key: FIGURE_KEY, reason: 'preview test', expectedRevision: figure }, 'admin');
});
afterAll(async () => {
  await api?.close();
  await seeded?.close();
});

const PUBLISHED = {
  careHome: { nameEn: 'Kaier Xinyi Care Home', revision: 1 },
  canteen: null,
  search: { nodes: [] },
  events: [{ year: 2023, count: 2, sum: 88, qualifier: 'NEARLY' }],
};

describe('who may read with drafts', () => {
  it('the public is asked for a key (401) and a reader is refused (403), with nothing run', async () => {
    const anonymous = await ask(WITH_DRAFTS);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(anonymous.body.errors[0].message).toContain('editor, publisher or admin');
    expect(anonymous.body.data).toBeUndefined();
    const reader = await ask(WITH_DRAFTS, as('reader'));
    expect(reader.status).toBe(403);
    expect(reader.body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('Your role is reader') });
  });

  it("a variable the request does not give (here one inside __proto__) is missing, not the argument's default: no drafts, for anyone", async () => {
    for (const who of [{}, as('elderly editor')]) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...who },
        // Raw JSON: `__proto__` an own key, as a hostile client sends it.
        body: `{"query":"query ($d: Boolean!) @includeDrafts(if: $d) {${READ.replace(/"/g, '\\"').replace(/\n/g, ' ')} }","variables":{"__proto__":{"d":true}}}`,
      });
      const body = (await response.json()) as any;
      expect(response.status).not.toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.extensions?.drafts).toBeUndefined();
      expect(body.errors[0].message).toContain('"$d"');
    }
    // A default in the variable's definition is a value the request gives.
    const defaulted = await ask(`query ($d: Boolean! = true) @includeDrafts(if: $d) {${READ} }`, as('elderly editor'));
    expect(defaulted.body.extensions.drafts.applied).toHaveLength(2);
  });

  it('@includeDrafts(if: false) is a plain read, for anyone', async () => {
    const answer = await ask(`query ($drafts: Boolean!) @includeDrafts(if: $drafts) {${READ} }`, {}, { drafts: false });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject(PUBLISHED);
    expect(answer.body.extensions.drafts).toBeUndefined();
  });
});

describe('what each caller sees', () => {
  it('the elderly-care editor sees its two drafts applied, and not the admin’s figure', async () => {
    const before = await state();
    const answer = await ask(WITH_DRAFTS, as('elderly editor'));
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const plain = await api.data(PLAIN);
    expect(answer.body.data).toEqual({
      careHome: { nameEn: CARE_HOME_EN, revision: 2 },
      canteen: { slug: CANTEEN_SLUG, revision: 1 },
      elderlyCare: { totalCount: plain.elderlyCare.totalCount + 1 },
      search: { nodes: [{ __typename: 'Facility', slug: CANTEEN_SLUG }] },
      events: PUBLISHED.events,
    });
    expect(answer.body.extensions.drafts).toEqual({
      applied: [
        { draft: draftIds.canteen, kind: 'FACILITY', key: CANTEEN_SLUG, operation: 'CREATE' },
        { draft: draftIds.careHome, kind: 'FACILITY', key: CARE_HOME, operation: 'UPDATE' },
      ],
      skipped: [],
      notApplied: 0,
    });
    // An answer for this caller alone, and nothing was written, audited or versioned.
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-cache')).toBeNull();
    expect(await state()).toEqual(before);
  });

  it('a read with drafts is charged one write more than the same read without', async () => {
    const costOf = async (query: string) => (await ask(query, as('elderly editor'))).body.data.rateLimit.cost as number;
    const plain = await costOf('{ rateLimit { cost } facilities(first: 5) { nodes { slug } } }');
    expect(await costOf('query @includeDrafts { rateLimit { cost } facilities(first: 5) { nodes { slug } } }')).toBe(plain + MUTATION_COST);
  });

  it('an editor of another scope sees only what is published', async () => {
    const answer = await ask(WITH_DRAFTS, as('education editor'));
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject(PUBLISHED);
    expect(answer.body.extensions.drafts).toEqual({ applied: [], skipped: [], notApplied: 0 });
  });

  it('an admin sees every draft, the retired figure gone from the yearly totals', async () => {
    const answer = await ask(WITH_DRAFTS, as('admin'));
    expect(answer.body.data.careHome.nameEn).toBe(CARE_HOME_EN);
    expect(answer.body.data.events).toEqual([{ year: 2023, count: 1, sum: 68, qualifier: 'EXACT' }]);
    expect(answer.body.extensions.drafts.applied.map((draft: { draft: string }) => draft.draft)).toEqual([
      draftIds.canteen,
      draftIds.careHome,
      draftIds.figure,
    ]);
  });

  it('the public, before and after all of these, sees only what is published', async () => {
    expect(await api.data(PLAIN)).toMatchObject(PUBLISHED);
  });
});

describe('drafts that no longer fit', () => {
  it('a draft whose record moved on is skipped, with the reason, and the rest still applied', async () => {
    // The record changes under the draft, as a reseed from a corrected report file would change it.
    await db.rows(sql`update facilities set revision = revision + 1 where slug = ${CARE_HOME}`);
    try {
      const answer = await ask(WITH_DRAFTS, as('elderly publisher'));
      expect(answer.body.data.careHome).toEqual({ nameEn: 'Kaier Xinyi Care Home', revision: 2 });
      expect(answer.body.data.canteen).toEqual({ slug: CANTEEN_SLUG, revision: 1 });
      const { applied, skipped } = answer.body.extensions.drafts;
      expect(applied.map((draft: { key: string }) => draft.key)).toEqual([CANTEEN_SLUG]);
      expect(skipped).toEqual([
        {
          draft: draftIds.careHome,
          kind: 'FACILITY',
          key: CARE_HOME,
          operation: 'UPDATE',
          reason: 'the facility changed since this draft was made from revision 1: it is at revision 2; propose the change again from it',
        },
      ]);
    } finally {
      await db.rows(sql`update facilities set revision = revision - 1 where slug = ${CARE_HOME}`);
    }
  });
});

describe('publishing gives what the read with drafts showed', () => {
  it('after an admin publishes the three drafts, the public reads exactly the admin’s answer with drafts', async () => {
    const previewed = (await ask(WITH_DRAFTS, as('admin'))).body.data;
    for (const id of [draftIds.canteen, draftIds.careHome, draftIds.figure]) {
      expect((await api.data(PUBLISH, { input: { draft: id } }, as('admin'))).publishDraft.userErrors).toEqual([]);
    }
    expect(await api.data(PLAIN)).toEqual(previewed);
    // With nothing pending, a read with drafts is the published data.
    const answer = await ask(WITH_DRAFTS, as('elderly editor'));
    expect(answer.body.data).toEqual(previewed);
    expect(answer.body.extensions.drafts).toEqual({ applied: [], skipped: [], notApplied: 0 });
  });
});
