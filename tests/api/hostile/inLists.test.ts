import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../../src/db/connection.js';
import {
  divisions as seededDivisions,
  facilities as seededFacilities,
  indicators as seededIndicators,
  observations as seededObservations,
  organizations as seededOrganizations,
  programs as seededPrograms,
} from '../../data/dataset.js';
import { startApi, type TestApi } from '../../support/api.js';
import { databaseUrl, openTestDatabase, testBackend } from '../../support/databases.js';

// A filter list travels to SQL as one array parameter (isAnyOf, src/db/sqlParts.ts). With one parameter per
// value every list length was a statement text of its own, prepared and kept by each connection that ran it:
// a client sending lists of ever new lengths filled the server's memory with prepared statements.
// The server here has ONE connection, so pg_prepared_statements, read through that same connection, sees
// every statement it prepared. (PGlite prepares no named statements: that count is PostgreSQL's only.)
let seeded: Database & { name: string };
let served: Database;
let api: TestApi;
beforeAll(async () => {
  seeded = await openTestDatabase(inject('seeded'));
  served = testBackend() === 'postgres' ? await connect({ kind: 'postgres', url: databaseUrl(seeded.name), poolSize: 1 }) : seeded;
  api = await startApi({ db: served });
});
afterAll(async () => {
  await api?.close();
  if (served && served !== seeded) await served.close();
  await seeded?.close();
});

const sorted = (values: string[]) => [...values].sort();
/** `count` values that look like real ones and name nothing. */
const unknown = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `no-such-${prefix}-${count}-${i}`);
/** `values` with `real` put among them at a position that moves with the length. */
const mixedIn = (values: string[], real: string) => [...values.slice(0, values.length >> 1), real, ...values.slice(values.length >> 1)];

const threeLists = `query ($slugs: [String!], $indicatorCodes: [String!], $divisionCodes: [String!]) {
  facilities(filter: { slug: $slugs }, first: 100) { nodes { slug } }
  observations(filter: { indicatorCode: $indicatorCodes }, first: 100) { nodes { key } }
  divisions(filter: { code: $divisionCodes }, first: 100) { nodes { code } } }`;

/** Three lists of `length` values, one real value in each: the answer is that value's rows. */
async function askLists(length: number): Promise<void> {
  const facility = seededFacilities[length % seededFacilities.length]!.slug as string;
  const indicator = seededIndicators[length % seededIndicators.length]!.code as string;
  const division = seededDivisions[length % seededDivisions.length]!.code as string;
  const data = await api.data<{
    facilities: { nodes: { slug: string }[] };
    observations: { nodes: { key: string }[] };
    divisions: { nodes: { code: string }[] };
  }>(threeLists, {
    slugs: mixedIn(unknown('facility', length - 1), facility),
    indicatorCodes: mixedIn(unknown('indicator', length - 1), indicator),
    divisionCodes: mixedIn(unknown('division', length - 1), division),
  });
  expect(
    data.facilities.nodes.map((n) => n.slug),
    `length ${length}`,
  ).toEqual([facility]);
  const figures = seededObservations.filter((o) => o.indicator === indicator).map((o) => o.key as string);
  expect(figures.length).toBeGreaterThan(0); // every indicator has figures: the page is never empty
  expect(sorted(data.observations.nodes.map((n) => n.key)), `length ${length}`).toEqual(sorted(figures));
  expect(
    data.divisions.nodes.map((n) => n.code),
    `length ${length}`,
  ).toEqual([division]);
}

const preparedStatements = async () => (await api.db.rows<{ count: number }>(sql`select count(*)::int as "count" from pg_prepared_statements`))[0]!.count;

describe('filter lists of every length', () => {
  it('answer with the rows of their real values, for lengths 1 to 200', async () => {
    for (let length = 1; length <= 200; length++) await askLists(length);
  }, 120_000); // 200 requests: a generous bound, not a speed claim

  it.runIf(testBackend() === 'postgres')(
    "add no prepared statement per length on the server's connection (PostgreSQL only: PGlite prepares no named statements)",
    async () => {
      // One value is equality, several are an array: both texts are prepared by now, whatever ran before.
      await askLists(1);
      await askLists(2);
      const before = await preparedStatements();
      for (let length = 3; length <= 200; length += 7) await askLists(length);
      expect(await preparedStatements()).toBe(before);
      // 1,000 requests, each list of a length not sent before, up to the limit of 1,000 values.
      const real = seededFacilities[0]!.slug as string;
      const oneList = (length: number) =>
        api.data('query ($slugs: [String!]) { facilities(filter: { slug: $slugs }) { nodes { slug } } }', {
          slugs: mixedIn(unknown('lengths', length - 1), real),
        });
      await oneList(1);
      await oneList(2);
      const beforeThousand = await preparedStatements(); // this query's two texts (equality, array) prepared
      for (let length = 3; length <= 1000; length++) {
        // with the two above: 1,000 requests
        const data = await oneList(length);
        expect(data.facilities.nodes, `length ${length}`).toEqual([{ slug: real }]);
      }
      expect(await preparedStatements()).toBe(beforeThousand);
    },
    300_000,
  ); // 1,000 requests: a generous bound, not a speed claim

  it('of 1,000 values answer with every real row among them', async () => {
    const allSlugs = seededFacilities.map((f) => f.slug as string);
    const slugs = [...unknown('facility', 1000 - allSlugs.length), ...allSlugs].reverse();
    expect(slugs).toHaveLength(1000);
    const facilities = await api.data('query ($slugs: [String!]) { facilities(filter: { slug: $slugs }, first: 100) { totalCount nodes { slug } } }', {
      slugs,
    });
    expect(facilities.facilities.nodes.map((n: { slug: string }) => n.slug)).toEqual([...allSlugs].sort());
    expect(facilities.facilities.totalCount).toBe(allSlugs.length);

    const allKeys = seededObservations.map((o) => o.key as string);
    const keys = mixedIn(unknown('observation', 1000 - allKeys.length), allKeys[0]!).concat(allKeys.slice(1));
    expect(keys).toHaveLength(1000);
    const figures = await api.data('query ($keys: [String!]) { observations(filter: { key: $keys }, first: 100) { nodes { key } } }', { keys });
    expect(sorted(figures.observations.nodes.map((n: { key: string }) => n.key))).toEqual(sorted(allKeys));
  });

  it('carry values that break naive array quoting unchanged, prepared and planned for their values alike', async () => {
    const awkward = ["O'Brien", "'; drop table facilities; --", '\\', '\\"', '"quoted"', '{braces}', '{"a","b"}', 'a,b', 'NULL', '', ' ', "养老'院", '🏥'];
    const before = await api.data('{ facilities { totalCount } }');
    for (const search of [null, '小学']) {
      // a search makes the statement planned for its values: the array is written in (planning.ts)
      const data = await api.data('query ($slugs: [String!], $search: String) { facilities(filter: { slug: $slugs, search: $search }) { nodes { slug } } }', {
        slugs: [...awkward, 'yuxin-primary-school'],
        search,
      });
      expect(data.facilities.nodes, String(search)).toEqual([{ slug: 'yuxin-primary-school' }]);
    }
    const refused = await api.query('query ($slugs: [String!]) { facilities(filter: { slug: $slugs }) { nodes { slug } } }', { slugs: awkward.slice(0, 3) });
    expect(refused.body.errors?.[0]?.message).toBe(
      `The filter names facility slug "O'Brien", facility slug "'; drop table facilities; --" and facility slug "\\\\", which do not exist. Check the spelling, or list the valid ones with \`facilities\`.`,
    );
    expect(await api.data('{ facilities { totalCount } }')).toEqual(before);
  });
});

describe("a list's own keys", () => {
  const ownKeys: [list: string, filter: string, what: string, real: string][] = [
    ['facilities', 'slug', 'facility slug', seededFacilities[0]!.slug],
    ['programs', 'slug', 'program slug', seededPrograms[0]!.slug],
    ['divisions', 'code', 'division code', seededDivisions[0]!.code],
    ['organizations', 'slug', 'organization slug', seededOrganizations[0]!.slug],
    ['indicators', 'code', 'indicator code', seededIndicators[0]!.code],
    ['observations', 'key', 'observation key', seededObservations[0]!.key],
  ];

  it.each(ownKeys)('%s: an unknown %s is BAD_USER_INPUT naming it and the one root field that lists the valid ones', async (list, filter, what) => {
    const result = await api.query(`{ ${list}(filter: { ${filter}: ["nope-${list}"] }) { nodes { __typename } } }`);
    expect(result.body.errors?.[0]?.extensions?.code, JSON.stringify(result.body)).toBe('BAD_USER_INPUT');
    expect(result.body.errors![0]!.message).toBe(
      `The filter names ${what} "nope-${list}", which does not exist. Check the spelling, or list the valid ones with \`${list}\`.`,
    );
  });

  it.each(ownKeys)('%s: a %s list holding one real value answers with that row', async (list, filter, _what, real) => {
    const data = await api.data(`query ($values: [String!]) { ${list}(filter: { ${filter}: $values }) { nodes { ${filter} } } }`, {
      values: ['nope', real, 'nope-too'],
    });
    expect(data[list].nodes).toEqual([{ [filter]: real }]);
  });

  it("unknown names of two kinds are named with each kind's root field; past ten, the rest are counted", async () => {
    const two = await api.query(`{ facilities(filter: { slug: ["nope"], operatorSlug: ["nobody"] }) { nodes { slug } } }`);
    expect(two.body.errors?.[0]?.message).toBe(
      'The filter names organization slug "nobody" and facility slug "nope", which do not exist. Check the spelling, or list the valid ones with `organizations` and `facilities`.',
    );
    const many = await api.query('query ($slugs: [String!]) { facilities(filter: { slug: $slugs }) { nodes { slug } } }', { slugs: unknown('facility', 1000) });
    expect(many.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(many.body.errors![0]!.message).toBe(
      `The filter names ${unknown('facility', 1000)
        .slice(0, 10)
        .map((s) => `facility slug "${s}"`)
        .join(', ')} and 990 more, which do not exist. Check the spelling, or list the valid ones with \`facilities\`.`,
    );
  });
});
