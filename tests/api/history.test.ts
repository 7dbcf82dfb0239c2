import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { startApi, type TestApi } from '../support/api.js';
import { seededWithout, type SeededWithout } from '../support/seededWithout.js';

// History you can cite: a figure retired, a facility renamed and another created through the API, then every
// kind of read made again at the version before (`@asOf`), each record's revisions, and the change feed.
const CANTEEN = 'gudu-community-elderly-canteen';
const CARE_HOME = 'kaier-xinyi-care-home';
const FIGURE = 'classical-concerts-held-2023';
const RENAMED = 'Kaier Xinyi Care Home (renamed in a test)';
let seeded: SeededWithout;
let api: TestApi;
let admin: Record<string, string>;
/** The data version before any change, and after each of the three. */
let before: number;
let renamedAt: number;
let retiredAt: number;
let createdAt: number;
let oldName: string;

const PAYLOAD = 'revision userErrors { field code message }';
const CREATE = `mutation ($input: CreateRecordInput!) { createRecord(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { ${PAYLOAD} } }`;
const RETIRE = `mutation ($input: RetireRecordInput!) { retireRecord(input: $input) { ${PAYLOAD} } }`;

async function versionOf(query: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await api.query(query, undefined, headers);
  expect(response.body.errors).toBeUndefined();
  return (response.body as { extensions: { dataVersion: number } }).extensions.dataVersion;
}

async function published(mutation: string, field: string, input: Record<string, unknown>): Promise<number> {
  const answer = (await api.data(mutation, { input: { ...input, publish: true } }, admin))[field];
  expect(answer.userErrors).toEqual([]);
  return versionOf('{ __typename }');
}

/** The same read now and at a past version (the directive, or the header). */
const at = (version: number, query: string) => query.replace(/^(query\s*(\([^)]*\))?)?\s*\{/, (_, head) => `${head ?? 'query'} @asOf(version: ${version}) {`);

beforeAll(async () => {
  seeded = await seededWithout(CANTEEN);
  api = await startApi({ db: seeded.db });
  admin = { authorization: `Bearer ${(await createApiKey(seeded.db, 'admin', 'standard', { role: 'admin' })).key}` };
  before = await versionOf('{ __typename }');
  const careHome = (await api.data(`{ facility(slug: "${CARE_HOME}") { revision name(lang: EN) } }`)).facility;
  oldName = careHome.name;
  renamedAt = await published(UPDATE, 'updateRecord', { kind: 'FACILITY', key: CARE_HOME, expectedRevision: careHome.revision, changes: { name_en: RENAMED } });
  const figure = (await api.data(`{ observations(filter: { key: ["${FIGURE}"] }) { nodes { revision } } }`)).observations.nodes[0];
  retiredAt = await published(RETIRE, 'retireRecord', { kind: 'OBSERVATION', key: FIGURE, reason: 'a test retires it', expectedRevision: figure.revision });
  createdAt = await published(CREATE, 'createRecord', { kind: 'FACILITY', record: seeded.facility });
});
afterAll(async () => {
  await api?.close();
  await seeded?.close();
});

it('each published change makes one data version', () => {
  expect([renamedAt, retiredAt, createdAt]).toEqual([before + 1, before + 2, before + 3]);
});

describe('@asOf answers every kind of read as it was', () => {
  it('a lookup by key, and the answer names the version it was read at', async () => {
    const query = `{ facility(slug: "${CARE_HOME}") { name(lang: EN) revision } }`;
    const now = await api.query(query);
    const then = await api.query(at(before, query));
    expect(now.body.data.facility.name).toBe(RENAMED);
    expect(then.body.data.facility).toEqual({ name: oldName, revision: now.body.data.facility.revision - 1 });
    expect((then.body as { extensions: { dataVersion: number } }).extensions.dataVersion).toBe(before);
    expect(then.headers.get('minsheng-data-version')).toBe(String(before));
  });

  it('node(id:): a record created since is not there; one retired since is live', async () => {
    const ids = (await api.data(`{ facility(slug: "${CANTEEN}") { id } }`)).facility.id;
    expect((await api.data(at(before, `{ node(id: "${ids}") { id } }`))).node).toBeNull();
    expect((await api.data(at(createdAt, `{ node(id: "${ids}") { id } }`))).node).toEqual({ id: ids });
  });

  it('a list with a filter, and its total', async () => {
    const query = `{ observations(filter: { indicatorCode: ["cultural-events-held"] }, first: 10) { totalCount nodes { key value } } }`;
    const now = (await api.data(query)).observations;
    const then = (await api.data(at(before, query))).observations;
    expect(now.nodes.map((node: { key: string }) => node.key)).not.toContain(FIGURE);
    expect(then.nodes).toContainEqual({ key: FIGURE, value: 68 });
    expect(then.totalCount).toBe(now.totalCount + 1);
  });

  it('a nested list', async () => {
    const query = `{ indicator(code: "cultural-events-held") { observations(first: 10) { nodes { key } } } }`;
    const keys = (data: any) => data.indicator.observations.nodes.map((node: { key: string }) => node.key);
    expect(keys(await api.data(query))).not.toContain(FIGURE);
    expect(keys(await api.data(at(before, query)))).toContain(FIGURE);
  });

  it('the search', async () => {
    const query = `{ search(query: "renamed in a test", first: 5) { nodes { ... on Facility { slug } } } }`;
    expect((await api.data(query)).search.nodes).toEqual([{ slug: CARE_HOME }]);
    expect((await api.data(at(before, query))).search.nodes).toEqual([]);
  });

  it('the aggregate (its rollups are kept by version too)', async () => {
    const query = `{ observationAggregate(groupBy: [YEAR], filter: { indicatorCode: ["cultural-events-held"] }) { year count sum } }`;
    const now = (await api.data(query)).observationAggregate;
    const then = (await api.data(at(before, query))).observationAggregate;
    expect(then).toEqual([{ year: 2023, count: now[0].count + 1, sum: now[0].sum + 68 }]);
  });

  it('the Minsheng-As-Of header asks the same', async () => {
    const query = `{ facility(slug: "${CARE_HOME}") { name(lang: EN) } }`;
    expect((await api.data(query, undefined, { 'minsheng-as-of': String(before) })).facility.name).toBe(oldName);
  });

  it('a version outside the range kept is a 400 BAD_USER_INPUT naming the range', async () => {
    for (const version of [0, createdAt + 1]) {
      const response = await api.query(at(version, '{ __typename }'));
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', newestDataVersion: createdAt });
      expect(response.body.errors?.[0]?.message).toMatch(new RegExp(`versions \\d+ to ${createdAt} can be read`));
    }
    const mismatch = await api.query(at(before, '{ __typename }'), undefined, { 'minsheng-as-of': String(renamedAt) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors?.[0]?.message).toMatch(/name different versions/);
    const notANumber = await api.query('{ __typename }', undefined, { 'minsheng-as-of': 'yesterday' });
    expect(notANumber.status).toBe(400);
  });

  it('nothing can be written through a past read', async () => {
    const response = await api.query(at(before, `{ facility(slug: "${CARE_HOME}") { revision } }`), undefined, admin);
    expect(response.body.data.facility.revision).toBeGreaterThan(0);
    const drafts = await api.query(`query @asOf(version: ${before}) @includeDrafts { __typename }`, undefined, admin);
    expect(drafts.status).toBe(400);
    expect(drafts.body.errors?.[0]?.message).toMatch(/cannot include drafts/);
  });
});

describe('history(first, after)', () => {
  it("lists a record's revisions newest first: what changed, in which version, for whom", async () => {
    const query = `{ facility(slug: "${CARE_HOME}") { revision history { revisions { revision dataVersion operation changedFields publishedFor at } hasNextPage } } }`;
    const { revision, history } = (await api.data(query)).facility;
    expect(history.hasNextPage).toBe(false);
    expect(history.revisions[0]).toMatchObject({ revision, dataVersion: renamedAt, operation: 'UPDATE', changedFields: ['name_en'], publishedFor: [] });
    expect(Date.parse(history.revisions[0].at)).toBeGreaterThan(Date.now() - 600_000);
    expect(history.revisions.at(-1)).toMatchObject({ revision: 1, operation: 'CREATE', changedFields: [] });
  });

  it('a retirement, and a creation through the API', async () => {
    const figure = await api.data(
      `{ node(id: "${await idOf('Observation', FIGURE)}") { ... on Observation { history { revisions { operation dataVersion } } } } }`,
    );
    expect(figure.node.history.revisions[0]).toEqual({ operation: 'RETIRE', dataVersion: retiredAt });
    const canteen = (await api.data(`{ facility(slug: "${CANTEEN}") { history { revisions { operation revision dataVersion } } } }`)).facility;
    expect(canteen.history.revisions).toEqual([{ operation: 'CREATE', revision: 1, dataVersion: createdAt }]);
  });

  it('at a past version, the revisions made since are not listed', async () => {
    const query = `{ facility(slug: "${CARE_HOME}") { history { revisions { dataVersion } } } }`;
    const versions = (await api.data(at(before, query))).facility.history.revisions.map((revision: { dataVersion: number }) => revision.dataVersion);
    expect(versions).not.toContain(renamedAt);
    expect(versions.length).toBeGreaterThan(0);
  });

  it('pages with first and after', async () => {
    const first = (await api.data(`{ facility(slug: "${CARE_HOME}") { history(first: 1) { revisions { dataVersion } endCursor hasNextPage } } }`)).facility
      .history;
    expect(first).toMatchObject({ revisions: [{ dataVersion: renamedAt }], hasNextPage: true });
    const next = (await api.data(`{ facility(slug: "${CARE_HOME}") { history(first: 1, after: "${first.endCursor}") { revisions { dataVersion } } } }`))
      .facility.history;
    expect(next.revisions[0].dataVersion).toBeLessThan(renamedAt);
    const bad = await api.query(`{ facility(slug: "${CARE_HOME}") { history(first: 51) { hasNextPage } } }`);
    expect(bad.body.errors?.[0]?.message).toBe(
      "`first: 51` is over a history's page size limit of 50. Ask for at most 50 and pass `endCursor` as `after` for more.",
    );
  });

  it('of a whole list, in a fixed number of statements', async () => {
    const statements = async (first: number) =>
      (await api.query(`{ facilities(first: ${first}) { nodes { history(first: 3) { revisions { revision changedFields publishedFor } } } } }`)).sqlStatements;
    expect(await statements(20)).toBe(await statements(2));
  });
});

async function idOf(typename: string, key: string): Promise<string> {
  return Buffer.from(`${typename}:${key}`, 'utf8').toString('base64url');
}

describe('changes(after, first, types)', () => {
  it('lists every published change in data-version order, resumable from any cursor', async () => {
    const all: any[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (
        await api.data(
          'query ($after: String) { changes(after: $after, first: 200) { changes { id kind key revision operation dataVersion cursor } endCursor hasNextPage } }',
          {
            after,
          },
        )
      ).changes;
      all.push(...page.changes);
      after = page.endCursor;
      if (!page.hasNextPage) break;
    }
    const versions = all.map((change) => change.dataVersion);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    const recent = all.filter((change) => change.dataVersion > before);
    expect(recent.map(({ kind, key, operation, dataVersion }) => ({ kind, key, operation, dataVersion }))).toEqual([
      { kind: 'FACILITY', key: CARE_HOME, operation: 'UPDATE', dataVersion: renamedAt },
      { kind: 'OBSERVATION', key: FIGURE, operation: 'RETIRE', dataVersion: retiredAt },
      { kind: 'FACILITY', key: CANTEEN, operation: 'CREATE', dataVersion: createdAt },
    ]);
    expect(recent[2].id).toBe(await idOf('Facility', CANTEEN));
    // Resuming after the first recent change gives the other two, then nothing more.
    const resumed = (await api.data(`{ changes(after: "${recent[0].cursor}") { changes { key } hasNextPage endCursor } }`)).changes;
    expect(resumed.changes.map((change: { key: string }) => change.key)).toEqual([FIGURE, CANTEEN]);
    const caughtUp = (await api.data(`{ changes(after: "${resumed.endCursor}") { changes { key } hasNextPage endCursor } }`)).changes;
    expect(caughtUp).toEqual({ changes: [], hasNextPage: false, endCursor: resumed.endCursor });
  });

  it('narrows to the kinds asked for, and refuses a cursor it did not make', async () => {
    const start = (await api.data('{ changes(first: 500) { changes { dataVersion } } }')).changes.changes;
    expect(start.length).toBeGreaterThan(0);
    const observations = (await api.data('{ changes(types: [OBSERVATION], first: 500) { changes { kind } } }')).changes.changes;
    expect(new Set(observations.map((change: { kind: string }) => change.kind))).toEqual(new Set(['OBSERVATION']));
    const bad = await api.query('{ changes(after: "not-a-cursor") { hasNextPage } }');
    expect(bad.body.errors?.[0]?.message).toMatch(/not a cursor of the change feed/);
  });

  it('bounds its page and its list of kinds before any work, saying what to change', async () => {
    const tooMany = await api.query('{ changes(first: 501) { hasNextPage } }');
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.body.errors?.[0]?.message).toBe(
      "`first: 501` is over the change feed's page size limit of 500. Ask for at most 500 and pass `endCursor` as `after` for more.",
    );
    expect(tooMany.sqlStatements).toBe(0);
    const kinds = (n: number) => `{ changes(first: 1, types: [${Array(n).fill('FACILITY').join(', ')}]) { changes { kind } } }`;
    const long = await api.query(kinds(1001));
    expect(long.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.body.errors?.[0]?.message).toMatch(/`changes\(types\)` holds 1,001 values; the limit is 1,000 per list/);
    expect(long.sqlStatements).toBe(0);
    const repeated = await api.data(kinds(1000));
    expect(repeated.changes.changes).toEqual([{ kind: 'FACILITY' }]);
  });
});

describe('lists take updatedSince', () => {
  const slugs = async (query: string) => (await api.data(query)).facilities.nodes.map((node: { slug: string }) => node.slug);
  const changedSince = (version: number) => `{ facilities(first: 100, filter: { updatedSince: ${version} }) { nodes { slug } } }`;

  it('lists the records changed after the version given, and none that were not', async () => {
    expect((await slugs(changedSince(before))).sort()).toEqual([CANTEEN, CARE_HOME].sort());
    expect(await slugs(changedSince(renamedAt))).toEqual([CANTEEN]);
    expect(await slugs(changedSince(createdAt))).toEqual([]);
    const figures = await api.data(`{ observations(first: 100, filter: { updatedSince: ${before} }) { nodes { key } } }`);
    expect(figures.observations.nodes).toEqual([]); // the only figure changed was retired: the feed names it
  });

  it('combines with other filters, and in a past read counts only what had changed by then', async () => {
    expect(await slugs(`{ facilities(first: 100, filter: { updatedSince: ${before}, category: [ELDERLY_CARE_HOME] }) { nodes { slug } } }`)).toEqual([
      CARE_HOME,
    ]);
    expect(await slugs(at(retiredAt, changedSince(before)))).toEqual([CARE_HOME]);
  });

  it('refuses a negative version, saying what it takes', async () => {
    const response = await api.query(changedSince(-1));
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/updatedSince takes a data version, 0 or more/);
  });
});
