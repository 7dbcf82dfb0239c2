import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDadukou } from '../../src/composition/seeds.js';
import { defaultSeedsDir } from '../../src/db/seed/readSeeds.js';
import { toGlobalId } from '../../src/graphql/globalId.js';
import { startApi, type TestApi } from '../support/api.js';

// `revision` counts a record's published writes: 1 as seeded, one more with each change a seeding makes.

let api: TestApi;
let changedDir: string;
beforeAll(async () => {
  api = await startApi();
  changedDir = mkdtempSync(path.join(tmpdir(), 'minsheng-revision-'));
});
afterAll(async () => {
  await api?.close();
  rmSync(changedDir, { recursive: true, force: true });
});

/** Each record type: its list field, its key field, its seed file and the record field holding the key. */
const recordTypes = [
  { type: 'Source', list: 'sources', key: 'slug', file: 'sources.json', recordKey: 'slug' },
  { type: 'Division', list: 'divisions', key: 'code', file: 'divisions.json', recordKey: 'code' },
  { type: 'Organization', list: 'organizations', key: 'slug', file: 'organizations.json', recordKey: 'slug' },
  { type: 'Facility', list: 'facilities', key: 'slug', file: 'facilities.json', recordKey: 'slug' },
  { type: 'Program', list: 'programs', key: 'slug', file: 'programs.json', recordKey: 'slug' },
  { type: 'Indicator', list: 'indicators', key: 'code', file: 'indicators.json', recordKey: 'code' },
  { type: 'Observation', list: 'observations', key: 'key', file: 'observations.json', recordKey: 'key' },
] as const;

const seedRecords = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>[];

/** Every record's revision as the API lists it, by "Type key". */
async function revisions(): Promise<Map<string, number>> {
  const data = await api.data<Record<string, { totalCount: number; nodes: Record<string, string | number>[] }>>(
    `{ ${recordTypes.map(({ list, key }) => `${list}(first: 100) { totalCount nodes { ${key} revision } }`).join(' ')} }`,
  );
  const all = new Map<string, number>();
  for (const { type, list, key } of recordTypes) {
    expect(data[list]!.totalCount, list).toBe(data[list]!.nodes.length); // one page holds them all
    for (const node of data[list]!.nodes) all.set(`${type} ${node[key]}`, node.revision as number);
  }
  return all;
}

describe('revision', () => {
  it('is 1 for every seeded record of every type, in lists, lookups, node(id) and nested fields alike', async () => {
    const listed = await revisions();
    const seeded = recordTypes.flatMap(({ type, file, recordKey }) => seedRecords(defaultSeedsDir, file).map((record) => `${type} ${record[recordKey]}`));
    expect([...listed.keys()].sort()).toEqual(seeded.sort());
    expect(new Set(listed.values())).toEqual(new Set([1]));

    // The column is read whichever way a record is reached: a lookup with a nested list (look-ahead), nested
    // objects, a citation's document, a program's linked organizations, node(id).
    const program = seedRecords(defaultSeedsDir, 'programs.json').find((p) => p.lead_organization_slug && (p.facilities as unknown[]).length > 0)!;
    const figure = seedRecords(defaultSeedsDir, 'observations.json')[0]!;
    const data = await api.data(
      `query ($slug: String!, $key: String!, $id: ID!) {
        program(slug: $slug) { revision leadOrganization { revision } facilities(first: 100) { nodes { revision division { revision } } } }
        observations(filter: { key: [$key] }) { nodes { revision indicator { revision } source { document { revision } } } }
        programs(first: 100) { nodes { organizations { organization { revision } document { revision } } } }
        node(id: $id) { ... on Program { revision } }
      }`,
      { slug: program.slug, key: figure.key, id: toGlobalId('Program', program.slug as string) },
    );
    expect(data.program).toMatchObject({ revision: 1, leadOrganization: { revision: 1 } });
    expect(data.program.facilities.nodes).toHaveLength((program.facilities as unknown[]).length);
    expect(data.program.facilities.nodes).toEqual(data.program.facilities.nodes.map(() => ({ revision: 1, division: { revision: 1 } })));
    expect(data.observations.nodes).toEqual([{ revision: 1, indicator: { revision: 1 }, source: { document: { revision: 1 } } }]);
    const links = data.programs.nodes.flatMap((p: { organizations: unknown[] }) => p.organizations);
    expect(links.length).toBeGreaterThan(0);
    expect(links).toEqual(links.map(() => ({ organization: { revision: 1 }, document: { revision: 1 } })));
    expect(data.node).toEqual({ revision: 1 });
  });

  it('is one further for the record a seeding changes, and for no other; the same files again change none', async () => {
    const before = await revisions();
    cpSync(defaultSeedsDir, changedDir, { recursive: true });
    const facilities = seedRecords(changedDir, 'facilities.json');
    const changed = facilities[0]!;
    changed.name_en = 'Renamed to test revisions';
    writeFileSync(path.join(changedDir, 'facilities.json'), JSON.stringify(facilities));

    expect(await seedDadukou(api.db, changedDir)).toEqual({ changed: 1 });
    const after = await revisions();
    const key = `Facility ${changed.slug}`;
    expect(after.get(key)).toBe(2);
    expect(new Map([...after].filter(([other]) => other !== key))).toEqual(new Map([...before].filter(([other]) => other !== key)));
    expect((await api.data('query ($slug: String!) { facility(slug: $slug) { revision name(lang: EN) } }', { slug: changed.slug })).facility).toEqual({
      revision: 2,
      name: 'Renamed to test revisions',
    });

    expect(await seedDadukou(api.db, changedDir)).toEqual({ changed: 0 });
    expect(await revisions()).toEqual(after);

    // Changing it back is a change too: the revision counts writes, it does not name a content.
    expect(await seedDadukou(api.db)).toEqual({ changed: 1 });
    expect((await revisions()).get(key)).toBe(3);
  });
});
