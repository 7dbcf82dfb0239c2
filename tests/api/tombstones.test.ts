import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { seedDadukou } from '../../src/composition/seeds.js';
import type { Database } from '../../src/db/connection.js';
import { startApi, type TestApi } from '../support/api.js';
import { seededWithout, type SeededWithout } from '../support/seededWithout.js';

// A retired record is a tombstone: found by no list, lookup, search or aggregate, but `node(id:)` still
// answers it, so that a syncing client sees it go. The database is seeded without the Gudu community
// canteen, which is then created through the API: a facility nothing names, so it can be retired.
const CANTEEN_SLUG = 'gudu-community-elderly-canteen';
const FIGURE_KEY = 'sound-of-blossoms-concerts-held';
const LIVE_FACILITY = 'kaier-xinyi-care-home';
let seeded: SeededWithout;
let seedsDir: string;
let db: Database;
let api: TestApi;
let admin: Record<string, string>;

const PAYLOAD = 'revision draft { id } userErrors { field code message }';
const CREATE = `mutation ($input: CreateRecordInput!) { createRecord(input: $input) { ${PAYLOAD} } }`;
const RETIRE = `mutation ($input: RetireRecordInput!) { retireRecord(input: $input) { ${PAYLOAD} } }`;
const PUBLISH = `mutation ($input: PublishDraftInput!) { publishDraft(input: $input) { ${PAYLOAD} } }`;
const TOMBSTONE = 'id revision retiredAt retirement';
const NODE = `query ($id: ID!) { node(id: $id) { __typename ... on Facility { slug ${TOMBSTONE} } ... on Observation { value ${TOMBSTONE} } } }`;
const FACILITY = `query ($slug: String!) { facility(slug: $slug) { ${TOMBSTONE} } }`;
const FIGURE = `query ($key: [String!]) { observations(filter: { key: $key }) { nodes { ${TOMBSTONE} } } }`;
const AGGREGATE = `{ observationAggregate(filter: { indicatorCode: ["${FIGURE_KEY}"] }, groupBy: [INDICATOR]) { count max } }`;
const CANTEEN_REASON = 'the canteen closed';
const FIGURE_REASON = 'superseded by the annual report';

let canteenId: string;
let canteenRevision: number;
let figureId: string;
let figureRevision: number;

async function published(mutation: string, field: string, input: Record<string, unknown>) {
  const proposed = (await api.data(mutation, { input }, admin))[field];
  expect(proposed.userErrors).toEqual([]);
  const publish = (await api.data(PUBLISH, { input: { draft: proposed.draft.id } }, admin)).publishDraft;
  expect(publish.userErrors).toEqual([]);
  return publish.revision as number;
}

async function facilitySlugs(): Promise<string[]> {
  const slugs: string[] = [];
  let after: string | null = null;
  do {
    const page: any = (
      await api.data('query ($after: String) { facilities(first: 100, after: $after) { nodes { slug } pageInfo { hasNextPage endCursor } } }', { after })
    ).facilities;
    slugs.push(...page.nodes.map((node: { slug: string }) => node.slug));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return slugs;
}

const searchHits = async (query: string) =>
  (await api.data('query ($q: String!) { search(query: $q, first: 50) { nodes { __typename ... on Facility { slug } } } }', { q: query })).search.nodes;

beforeAll(async () => {
  seeded = await seededWithout(CANTEEN_SLUG);
  ({ db, seedsDir } = seeded);
  const canteen = seeded.facility;
  api = await startApi({ db });
  admin = { authorization: `Bearer ${(await createApiKey(db, 'admin', 'standard', { role: 'admin' })).key}` };

  await published(CREATE, 'createRecord', { kind: 'FACILITY', record: canteen });
  const live = (await api.data(FACILITY, { slug: CANTEEN_SLUG })).facility;
  expect(live).toMatchObject({ retiredAt: null, retirement: null });
  canteenId = live.id;
  expect(await searchHits('古渡社区老年食堂')).toContainEqual({ __typename: 'Facility', slug: CANTEEN_SLUG });
  expect(await facilitySlugs()).toContain(CANTEEN_SLUG);
  canteenRevision = await published(RETIRE, 'retireRecord', { kind: 'FACILITY', key: CANTEEN_SLUG, reason: CANTEEN_REASON, expectedRevision: live.revision });
  expect(canteenRevision).toBe(live.revision + 1);

  const figure = (await api.data(FIGURE, { key: [FIGURE_KEY] })).observations.nodes[0];
  expect(figure).toMatchObject({ retiredAt: null, retirement: null });
  expect((await api.data(AGGREGATE)).observationAggregate).toEqual([{ count: 1, max: 13 }]);
  figureId = figure.id;
  figureRevision = await published(RETIRE, 'retireRecord', { kind: 'OBSERVATION', key: FIGURE_KEY, reason: FIGURE_REASON, expectedRevision: figure.revision });
  expect(figureRevision).toBe(figure.revision + 1);
});
afterAll(async () => {
  await api?.close();
  await seeded?.close();
});

describe('node(id:) answers a retired record as a tombstone', () => {
  it('a retired facility: retiredAt set, the reason given, one revision more', async () => {
    const { node } = await api.data(NODE, { id: canteenId });
    expect(node).toEqual({
      __typename: 'Facility',
      slug: CANTEEN_SLUG,
      id: canteenId,
      revision: canteenRevision,
      retiredAt: expect.any(String),
      retirement: CANTEEN_REASON,
    });
    expect(Date.now() - Date.parse(node.retiredAt)).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(node.retiredAt)).toBeLessThan(10 * 60_000);
  });

  it('a retired figure: retiredAt set, the reason given, one revision more', async () => {
    const { node } = await api.data(NODE, { id: figureId });
    expect(node).toEqual({
      __typename: 'Observation',
      value: 13,
      id: figureId,
      revision: figureRevision,
      retiredAt: expect.any(String),
      retirement: FIGURE_REASON,
    });
  });

  it('a live record has neither', async () => {
    const { id } = (await api.data(FACILITY, { slug: LIVE_FACILITY })).facility;
    const { node } = await api.data(NODE, { id });
    expect(node).toMatchObject({ __typename: 'Facility', slug: LIVE_FACILITY, retiredAt: null, retirement: null });
  });

  it('nodes(ids:) answers live and retired records alike, in order', async () => {
    const live = (await api.data(FACILITY, { slug: LIVE_FACILITY })).facility;
    const { nodes } = await api.data(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Facility { slug retiredAt retirement } ... on Observation { retiredAt retirement } } }`,
      {
        ids: [figureId, live.id, canteenId],
      },
    );
    expect(nodes).toEqual([
      { id: figureId, retiredAt: expect.any(String), retirement: FIGURE_REASON },
      { id: live.id, slug: LIVE_FACILITY, retiredAt: null, retirement: null },
      { id: canteenId, slug: CANTEEN_SLUG, retiredAt: expect.any(String), retirement: CANTEEN_REASON },
    ]);
  });
});

describe('everything else stays live-only', () => {
  it('the lookup by slug answers null', async () => {
    expect((await api.data(FACILITY, { slug: CANTEEN_SLUG })).facility).toBeNull();
  });

  it('the list of facilities leaves it out', async () => {
    const slugs = await facilitySlugs();
    expect(slugs).toContain(LIVE_FACILITY);
    expect(slugs).not.toContain(CANTEEN_SLUG);
  });

  it('the search does not find it', async () => {
    expect(await searchHits('古渡社区老年食堂')).not.toContainEqual({ __typename: 'Facility', slug: CANTEEN_SLUG });
  });

  it('aggregates no longer count the figure, and its key is no filter value', async () => {
    expect((await api.data(AGGREGATE)).observationAggregate).toEqual([]);
    expect((await api.query(FIGURE, { key: [FIGURE_KEY] })).body.errors?.[0]?.message).toContain('which does not exist');
  });
});

describe('a seed brings a retired record back', () => {
  it('the figure retired through the API is live again after db:seed, with no retirement reason left on it', async () => {
    await seedDadukou(db, seedsDir);
    const { node } = await api.data(NODE, { id: figureId });
    expect(node).toMatchObject({ __typename: 'Observation', retiredAt: null, retirement: null, revision: figureRevision + 1 });
    expect((await api.data(AGGREGATE)).observationAggregate).toEqual([{ count: 1, max: expect.any(Number) }]);
    // Nor in the published record, where a later tombstone would otherwise find the old reason.
    const [kept] = await db.rows<{ reason: string | null }>(
      sql`select retired_reason as reason from published_records where kind = 'observations' and key = ${FIGURE_KEY}`,
    );
    expect(kept).toEqual({ reason: null });
  });
});
