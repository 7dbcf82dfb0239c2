import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facilities as seededFacilities, observations as seededObservations, programs as seededPrograms } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const slugsOf = async (query: string, variables?: Record<string, unknown>): Promise<string[]> => {
  const data = await api.data(query, variables);
  const list = Object.values(data)[0] as { nodes: { slug?: string; key?: string; code?: string }[] };
  return list.nodes.map((n) => n.slug ?? n.key ?? n.code!);
};
const sorted = (values: string[]) => [...values].sort();
const expectError = async (query: string, message: string | RegExp) => {
  const result = await api.query(query);
  expect(result.body.errors?.[0]?.extensions?.code, JSON.stringify(result.body)).toBe('BAD_USER_INPUT');
  expect(result.body.errors![0]!.message).toMatch(message);
};

describe('filter operators', () => {
  it('enum lists: one value is equality, several are "any of"', async () => {
    const museums = await slugsOf(`{ facilities(filter: { category: MUSEUM }, first: 100) { nodes { slug } } }`);
    expect(museums).toEqual(
      seededFacilities
        .filter((f) => f.category === 'museum')
        .map((f) => f.slug)
        .sort(),
    );
    const culture = await slugsOf(`{ facilities(filter: { category: [MUSEUM, ART_GALLERY, THEATER] }, first: 100) { nodes { slug } } }`);
    expect(culture).toEqual(
      seededFacilities
        .filter((f) => ['museum', 'art_gallery', 'theater'].includes(f.category))
        .map((f) => f.slug)
        .sort(),
    );
  });

  it('number ranges on values', async () => {
    const keys = await slugsOf(`{ observations(filter: { value: { gte: 1000000, lt: 100000000 } }, first: 100) { nodes { key } } }`);
    expect(sorted(keys)).toEqual(
      seededObservations
        .filter((o) => o.value >= 1e6 && o.value < 1e8)
        .map((o) => o.key)
        .sort(),
    );
    expect(keys.length).toBeGreaterThan(1);
  });

  it('date ranges and period overlap', async () => {
    const ending = await slugsOf(`{ observations(filter: { periodEnd: { lt: "2023-12-01" } }, first: 100) { nodes { key } } }`);
    expect(sorted(ending)).toEqual(
      seededObservations
        .filter((o) => o.period.end < '2023-12-01')
        .map((o) => o.key)
        .sort(),
    );
    const overlapping = await slugsOf(`{ observations(filter: { periodOverlaps: { start: "2023-06-01", end: "2023-07-31" } }, first: 100) { nodes { key } } }`);
    const expected = seededObservations.filter((o) => o.period.end >= '2023-06-01' && (o.period.start ?? o.period.end) <= '2023-07-31');
    expect(sorted(overlapping)).toEqual(expected.map((o) => o.key).sort());
    // the August–December canteen figure does not overlap June–July
    expect(overlapping).not.toContain(seededObservations.find((o) => o.period.start === '2023-08-01')!.key);
  });

  it('null checks', async () => {
    const withDivision = await slugsOf(`{ facilities(filter: { hasDivision: true }, first: 100) { nodes { slug } } }`);
    expect(sorted(withDivision)).toEqual(
      seededFacilities
        .filter((f) => f.division_code)
        .map((f) => f.slug)
        .sort(),
    );
    const top = await slugsOf(`{ programs(filter: { hasParent: false }, first: 100) { nodes { slug } } }`);
    expect(sorted(top)).toEqual(
      seededPrograms
        .filter((p) => !p.parent_slug)
        .map((p) => p.slug)
        .sort(),
    );
    expect((await api.data(`{ facilities(filter: { hasLocation: true }) { totalCount } }`)).facilities.totalCount).toBe(0); // no invented coordinates
  });

  it('and, or, not compose', async () => {
    const schoolsUnderConstruction = await slugsOf(
      `{ facilities(filter: { and: [{ category: SCHOOL }, { status: UNDER_CONSTRUCTION }] }, first: 100) { nodes { slug } } }`,
    );
    expect(sorted(schoolsUnderConstruction)).toEqual(
      seededFacilities
        .filter((f) => f.category === 'school' && f.status === 'under_construction')
        .map((f) => f.slug)
        .sort(),
    );
    const either = await slugsOf(`{ facilities(filter: { or: [{ category: MUSEUM }, { category: ELDERLY_CANTEEN }] }, first: 100) { nodes { slug } } }`);
    expect(sorted(either)).toEqual(
      seededFacilities
        .filter((f) => ['museum', 'elderly_canteen'].includes(f.category))
        .map((f) => f.slug)
        .sort(),
    );
    const notSchools = await slugsOf(`{ facilities(filter: { not: { category: [SCHOOL, SCHOOL_CAMPUS] } }, first: 100) { nodes { slug } } }`);
    expect(sorted(notSchools)).toEqual(
      seededFacilities
        .filter((f) => !['school', 'school_campus'].includes(f.category))
        .map((f) => f.slug)
        .sort(),
    );
    expect(await slugsOf(`{ facilities(filter: { or: [] }) { nodes { slug } } }`)).toEqual([]);
  });

  it('relational: facilities in a program of a domain, programs with a facility of a category', async () => {
    const inElderlyPrograms = await slugsOf(`{ facilities(filter: { program: { domain: [ELDERLY_CARE, HEALTH] } }, first: 100) { nodes { slug } } }`);
    const programDomains = new Map(seededPrograms.map((p) => [p.slug, p.domain]));
    const expected = new Set(
      seededPrograms
        .filter((p) => ['elderly_care', 'health'].includes(programDomains.get(p.slug)))
        .flatMap((p) => p.facilities.map((f: { slug: string }) => f.slug)),
    );
    expect(sorted(inElderlyPrograms)).toEqual([...expected].sort());
    const withSchools = await slugsOf(`{ programs(filter: { kind: [SCHOOL_GROUP], facility: { slug: ["yidu-primary-school"] } }) { nodes { slug } } }`);
    expect(withSchools).toEqual(['yuxin-primary-school-education-group']);
  });

  it('observations by division subtree, facility and program', async () => {
    const inTown = await slugsOf(`{ observations(filter: { divisionCode: "500104102" }) { nodes { key } } }`);
    expect(inTown).toEqual(seededObservations.filter((o) => o.division_code?.startsWith('500104102')).map((o) => o.key));
    const ofProgram = await slugsOf(`{ observations(filter: { programSlug: ["sound-of-blossoms-concerts"] }, first: 100) { nodes { key } } }`);
    expect(sorted(ofProgram)).toEqual(
      seededObservations
        .filter((o) => o.program_slug === 'sound-of-blossoms-concerts')
        .map((o) => o.key)
        .sort(),
    );
    expect(ofProgram.length).toBeGreaterThan(0);
  });

  it('divisionCode takes a list: any of those divisions and everything under them', async () => {
    const inDivisions = (codes: string[]) =>
      seededFacilities
        .filter((f) => codes.some((c) => f.division_code === c || f.division_code?.startsWith(`${c}-`)))
        .map((f) => f.slug)
        .sort();
    const both = await slugsOf(`{ facilities(filter: { divisionCode: ["500104001", "500104005"] }, first: 100) { nodes { slug } } }`);
    expect(both).toEqual(inDivisions(['500104001', '500104005']));
    expect(both.length).toBeGreaterThan(inDivisions(['500104001']).length); // the second subtree adds its own (a community's canteen)
    // A single literal is still accepted: GraphQL coerces it to a list of one.
    expect(await slugsOf(`{ facilities(filter: { divisionCode: "500104001" }, first: 100) { nodes { slug } } }`)).toEqual(inDivisions(['500104001']));
  });

  it('nested connections take filters too', async () => {
    const data = await api.data(`{ program(slug: "tongxin-alliance") { facilities(filter: { search: "花" }) { edges { role node { slug } } } }
      division(code: "500104") { facilities(filter: { category: ELDERLY_CANTEEN }) { nodes { slug } } } }`);
    expect(data.program.facilities.edges.map((e: { node: { slug: string } }) => e.node.slug)).toEqual([
      'huayuan-primary-school',
      'baihua-primary-school',
      'ganghua-primary-school',
    ]); // 花 first at the start of a name
    expect(data.division.facilities.nodes).toEqual([{ slug: 'gudu-community-elderly-canteen' }]);
  });
});

describe('mistakes in filters', () => {
  it('an unknown code or slug is named, not answered with an empty list', async () => {
    await expectError(`{ facilities(filter: { divisionCode: "500199" }) { totalCount } }`, 'The filter names division code "500199", which does not exist.');
    await expectError(`{ observations(filter: { indicatorCode: ["no-such-thing"] }) { totalCount } }`, 'indicator code "no-such-thing"');
  });

  it("a list's own key too, with the one root field that lists the valid ones", async () => {
    await expectError(
      `{ facilities(filter: { slug: ["nope"] }) { totalCount } }`,
      'The filter names facility slug "nope", which does not exist. Check the spelling, or list the valid ones with `facilities`.',
    );
    await expectError(`{ observations(filter: { divisionCode: ["500199"] }) { totalCount } }`, /list the valid ones with `divisions`\.$/);
  });

  it('a known code with no rows is an empty list, not an error', async () => {
    expect((await api.data(`{ facilities(filter: { divisionCode: "500104003" }) { totalCount } }`)).facilities.totalCount).toBe(0);
  });

  it('contradictory ranges and intervals', async () => {
    await expectError(
      `{ observations(filter: { value: { gt: 10, lt: 5 } }) { totalCount } }`,
      '`filter.value` can match nothing: its lower bound 10 is not below its upper bound 5.',
    );
    await expectError(`{ observations(filter: { value: { gt: 1, gte: 2 } }) { totalCount } }`, 'has both gt and gte');
    await expectError(
      `{ observations(filter: { periodOverlaps: { start: "2023-12-01", end: "2023-01-01" } }) { totalCount } }`,
      '`filter.periodOverlaps` starts (2023-12-01) after it ends (2023-01-01).',
    );
    await expectError(`{ observations(filter: { value: {} }) { totalCount } }`, 'has no bound');
  });

  it('orders that need a filter say which', async () => {
    await expectError(`{ facilities(orderBy: [{ field: RELEVANCE }]) { totalCount } }`, 'orderBy RELEVANCE needs `filter.search`');
    await expectError(`{ facilities(orderBy: [{ field: DISTANCE }]) { totalCount } }`, 'orderBy DISTANCE needs `filter.near`');
  });
});
