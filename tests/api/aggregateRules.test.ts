import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataChanged } from '../../src/db/write.js';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';

/**
 * The rules of observationAggregate (issue #16): only what adds up is added, on the rollups and on the figures
 * themselves alike. Each question is asked twice: as is (answered from a rollup where it can be) and with a
 * value range that excludes nothing, which only the figures themselves can answer.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

type Group = Record<string, any>;
interface Answer {
  groups: Group[] | null;
  errors: { message: string; extensions: Record<string, unknown>; path: (string | number)[] }[];
}

async function ask(groupBy: string, filter: string, fields: string, args = ''): Promise<Answer> {
  const run = async (f: string) => {
    const { body } = await api.query(`{ groups: observationAggregate(groupBy: ${groupBy}, filter: ${f}${args}) { ${fields} } }`);
    // Sums resolve concurrently (a refusal may read the figures), so errors come in any order: by path.
    const errors = (body.errors ?? []).map(({ locations: _, ...error }: Record<string, unknown>) => error) as Answer['errors'];
    return { groups: body.data?.groups ?? null, errors: errors.sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path))) } as Answer;
  };
  const rolledUp = await run(filter);
  const everyFigure = await run(filter.replace(/^\{/, '{ value: { gt: -1e300 }, '));
  expect(everyFigure, `${groupBy} ${filter}: the figures and the rollups agree`).toEqual(rolledUp);
  return rolledUp;
}

const keysOf = (figures: { key: string }[]) => figures.map((f) => f.key).sort();

describe('the four totals of issue #16', () => {
  it("cultural events: the running total of concerts is its own indicator; the year's events add up to nearly 88", async () => {
    // Before: cultural-events-held = 101 (13 since launch + 68 + 近20).
    const { groups, errors } = await ask('[INDICATOR, YEAR]', '{ unit: [EVENT] }', 'indicator { code } year count sum summed qualifier measures');
    expect(errors).toEqual([]);
    expect(groups).toEqual([
      { indicator: { code: 'cultural-events-held' }, year: 2023, count: 2, sum: 88, summed: 2, qualifier: 'NEARLY', measures: ['COUNT'] },
      { indicator: { code: 'sound-of-blossoms-concerts-held' }, year: 2023, count: 1, sum: 13, summed: 1, qualifier: 'EXACT', measures: ['CUMULATIVE'] },
    ]);
    // Put together again, the running total is refused beside the year's events, each named.
    const together = await ask('[UNIT]', '{ unit: [EVENT] }', 'count sum');
    expect(together.groups).toEqual([{ count: 3, sum: null }]);
    expect(together.errors).toHaveLength(1);
    expect(together.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'groupBy' });
    expect(together.errors[0]!.message).toBe(
      'Cannot add figures of different measures (COUNT: classical-concerts-held-2023 (68), sichuan-chongqing-national-municipal-events-2023 (20); ' +
        'CUMULATIVE: sound-of-blossoms-concerts-held (13)): a cumulative total or a level never adds to a figure of its own period. Add MEASURE (or INDICATOR) to groupBy, or filter by measure.',
    );
  });

  it("older people served: the facilities' running total and the canteens' Aug–Dec figure are two indicators, never added", async () => {
    // Before: older-people-served = 30000 (1.5万余 cumulative + 1.5万 for Aug–Dec).
    const { groups } = await ask(
      '[INDICATOR, YEAR]',
      '{ indicatorCode: ["older-people-served", "older-people-served-by-canteens"] }',
      'indicator { code } count sum qualifier measures',
    );
    expect(groups).toEqual([
      { indicator: { code: 'older-people-served' }, count: 1, sum: 15000, qualifier: 'AT_LEAST', measures: ['CUMULATIVE'] },
      { indicator: { code: 'older-people-served-by-canteens' }, count: 1, sum: 15000, qualifier: 'EXACT', measures: ['COUNT'] },
    ]);
    const together = await ask('[]', '{ indicatorCode: ["older-people-served", "older-people-served-by-canteens"] }', 'count sum');
    expect(together.groups).toEqual([{ count: 2, sum: null }]);
    expect(together.errors[0]!.message).toMatch(
      /^Cannot add figures of different measures \(COUNT: elderly-canteen-people-served-2023-08-12 \(15000\); CUMULATIVE: centre-with-stations-people-served \(15000\)\)/,
    );
    expect(together.errors[0]!.extensions.figures).toEqual(['centre-with-stations-people-served', 'elderly-canteen-people-served-2023-08-12']);
  });

  it("operating subsidies: the facilities' running total and the institutions' 2023 subsidy are two indicators", async () => {
    // Before: elderly-care-operating-subsidies = 2,180,000 (195万 cumulative + 23万 for 2023).
    const { groups } = await ask(
      '[INDICATOR, YEAR]',
      '{ indicatorCode: ["elderly-care-operating-subsidies", "private-care-home-operating-subsidies"] }',
      'indicator { code kind } count sum qualifier measures',
    );
    expect(groups).toEqual([
      { indicator: { code: 'elderly-care-operating-subsidies', kind: 'FLOW' }, count: 1, sum: 1950000, qualifier: 'EXACT', measures: ['CUMULATIVE'] },
      { indicator: { code: 'private-care-home-operating-subsidies', kind: 'FLOW' }, count: 1, sum: 230000, qualifier: 'EXACT', measures: ['COUNT'] },
    ]);
  });

  it('elderly-care institutions: 32 and 34 contradict each other; a total takes at most one, as `conflicts` says', async () => {
    // Before: elderly-care-institutions = 66 (32 + 34).
    const filter = '{ indicatorCode: ["elderly-care-institutions"] }';
    const fields = 'indicator { code } count contested sum summed qualifier min max excluded { key } conflicting { key }';
    const refused = await ask('[INDICATOR, YEAR]', filter, 'count contested sum min max');
    expect(refused.groups).toEqual([{ count: 2, contested: 2, sum: null, min: 32, max: 34 }]);
    expect(refused.errors).toEqual([
      {
        message:
          'The sources contradict each other on elderly-care-institutions-32 (32, conflict elderly-care-institutions-at-report-date), elderly-care-institutions-34 (34, conflict ' +
          'elderly-care-institutions-at-report-date): a total takes at most one of them. Choose with conflicts: EXCLUDE, LOWEST or HIGHEST, or leave them out with filter: { conflicting: false }.',
        path: ['groups', 0, 'sum'],
        extensions: { code: 'BAD_USER_INPUT', argument: 'conflicts', figures: ['elderly-care-institutions-32', 'elderly-care-institutions-34'] },
      },
    ]);
    const both = ['elderly-care-institutions-32', 'elderly-care-institutions-34'];
    const excluded = await ask('[INDICATOR, YEAR]', filter, fields, ', conflicts: EXCLUDE');
    expect(excluded.errors).toEqual([]);
    expect(excluded.groups![0]).toMatchObject({ count: 2, contested: 2, sum: null, summed: 0, qualifier: null });
    expect(keysOf(excluded.groups![0]!.excluded)).toEqual(both);
    expect(keysOf(excluded.groups![0]!.conflicting)).toEqual(both);
    const lowest = await ask('[INDICATOR, YEAR]', filter, fields, ', conflicts: LOWEST');
    expect(lowest.groups![0]).toMatchObject({ sum: 32, summed: 1, qualifier: 'EXACT', excluded: [{ key: 'elderly-care-institutions-34' }] });
    const highest = await ask('[INDICATOR, YEAR]', filter, fields, ', conflicts: HIGHEST');
    expect(highest.groups![0]).toMatchObject({ sum: 34, summed: 1, excluded: [{ key: 'elderly-care-institutions-32' }] });
    // Beside uncontested figures of the same unit, EXCLUDE leaves only the contested ones out.
    const institutions = await ask('[UNIT]', '{ unit: [INSTITUTION] }', 'count contested sum summed excluded { key }', ', conflicts: EXCLUDE');
    expect(institutions.groups).toEqual([{ count: 4, contested: 2, sum: 11 + 8, summed: 2, excluded: both.map((key) => ({ key })) }]);
  });
});

describe('the common path', () => {
  it("an indicator's totals by year are one statement, read from the rollup, when nothing needs the figures themselves", async () => {
    const { body, sqlStatements } = await api.query(
      `{ observationAggregate(groupBy: [YEAR], filter: { indicatorCode: ["cultural-events-held"] }) { year count sum avg min max summed qualifier contested excluded { key } } }`,
    );
    expect(withoutExtensions(body)).toEqual({
      data: {
        observationAggregate: [{ year: 2023, count: 2, sum: 88, avg: 44, min: 20, max: 68, summed: 2, qualifier: 'NEARLY', contested: 0, excluded: [] }],
      },
    });
    expect(sqlStatements).toBe(1);
  });
});

describe('what never adds up', () => {
  it('shares and changes are never summed or averaged; count, min and max still are answered', async () => {
    const { groups, errors } = await ask('[MEASURE]', '{ measure: [SHARE] }', 'count min max sum');
    expect(groups).toEqual([{ count: 3, min: 92, max: 100, sum: null }]);
    expect(errors[0]!.message).toBe(
      'Cannot add up shares or changes (SHARE): family-doctor-contract-rate-priority-groups (100), medical-elderly-institution-contract-rate (100), ' +
        'quality-education-resource-coverage (92). A percentage of one thing does not add to another: ask for count, min or max, or leave them out with filter: { not: { measure: [SHARE, YOY_CHANGE] } }.',
    );
    const changes = await ask('[INDICATOR]', '{ measure: [YOY_CHANGE] }', 'count min avg');
    expect(changes.groups).toEqual([
      { count: 1, min: -48, avg: null },
      { count: 1, min: -56.76, avg: null },
    ]);
    expect(changes.errors.map((e) => e.extensions.figures)).toEqual([['juvenile-crime-yoy-2023-11'], ['crimes-against-minors-yoy-2023-11']]);
  });

  it('a hedged figure hedges the total: 余 makes it AT_LEAST, 约 APPROXIMATE', async () => {
    // 150余万 + 23万, both paid in 2023.
    const atLeast = await ask('[UNIT]', '{ unit: [CNY], measure: [COUNT], domain: [ELDERLY_CARE] }', 'count sum qualifier');
    expect(atLeast.groups).toEqual([{ count: 2, sum: 1730000, qualifier: 'AT_LEAST' }]);
    // … and 约2300万 a year for integrated care.
    const about = await ask('[UNIT]', '{ unit: [CNY], measure: [COUNT] }', 'count sum qualifier');
    expect(about.groups).toEqual([{ count: 3, sum: 24730000, qualifier: 'APPROXIMATE' }]);
  });
});

describe('latest never picks between contradicting figures', () => {
  it("the institutions' latest is null and latestFigures holds both", async () => {
    // Before: latest answered 34, silently.
    const data = await api.data(
      `{ indicator(code: "elderly-care-institutions") { latest { key } latestFigures { key value source { quote } } district: latestFigures(divisionCode: "500104") { key } } }`,
    );
    expect(data.indicator).toEqual({
      latest: null,
      latestFigures: [
        { key: 'elderly-care-institutions-32', value: 32, source: { quote: '全区共有养老机构32家' } },
        { key: 'elderly-care-institutions-34', value: 34, source: { quote: '全区养老机构34家' } },
      ],
      district: [{ key: 'elderly-care-institutions-32' }, { key: 'elderly-care-institutions-34' }],
    });
    const beds = await api.data(`{ indicator(code: "elderly-care-beds") { latest { key } latestFigures { key } } }`);
    expect(beds.indicator).toEqual({ latest: { key: 'elderly-care-beds' }, latestFigures: [{ key: 'elderly-care-beds' }] });
  });
});

describe('stocks and flows over time', () => {
  // Figures of other dates and places than the report's, written for these tests only.
  beforeAll(async () => {
    await api.db.drizzle.transaction(async (tx) => {
      const figure = (
        key: string,
        indicator: string,
        value: number,
        measure: string,
        start: string | null,
        end: string,
        division: string,
        program: string | null,
      ) => sql`
        insert into observations (key, indicator_id, value, qualifier, unit, measure, status, period_start, period_end, label_zh, label_en, division_id, program_id, source_id, quote)
        select ${key}, i.id, ${value}, 'exact', i.unit, ${measure}, 'actual', ${start}::date, ${end}::date, 'test', 'test', d.id,
          (select id from programs where slug = ${program}), (select id from sources limit 1), 'test'
        from indicators i, divisions d where i.code = ${indicator} and d.code = ${division}`;
      await tx.execute(figure('test-beds-2022', 'elderly-care-beds', 2000, 'level', null, '2022-12-31', '500104', null));
      await tx.execute(figure('test-beds-2023-06', 'elderly-care-beds', 2010, 'level', null, '2023-06-30', '500104', null));
      await tx.execute(figure('test-beds-xinshancun', 'elderly-care-beds', 100, 'level', null, '2023-12-31', '500104001', null));
      await tx.execute(figure('test-beds-yuejincun', 'elderly-care-beds', 50, 'level', null, '2023-12-31', '500104002', null));
      await tx.execute(
        figure('test-canteens-2023', 'older-people-served-by-canteens', 40000, 'count', '2023-01-01', '2023-12-31', '500104', 'elderly-canteen-policies'),
      );
      await tx.execute(
        figure('test-canteens-2022', 'older-people-served-by-canteens', 20000, 'count', '2022-01-01', '2022-12-31', '500104', 'elderly-canteen-policies'),
      );
      // The district's event-goers, beside the 600 of one of its communities (lanqinyuan-event-participants, 2023).
      await tx.execute(figure('test-event-goers-2023', 'older-people-attending-events', 5000, 'count', '2023-01-01', '2023-12-31', '500104', null));
      await tx.execute(figure('test-event-goers-2022', 'older-people-attending-events', 4000, 'count', '2022-01-01', '2022-12-31', '500104', null));
      await dataChanged(tx);
    });
  });

  it("a year's stock is its latest level, added across places at that date", async () => {
    const { groups, errors } = await ask('[DIVISION, YEAR]', '{ indicatorCode: ["elderly-care-beds"] }', 'division { code } year count sum summed');
    expect(errors).toEqual([]);
    expect(groups).toEqual([
      { division: { code: '500104' }, year: 2022, count: 1, sum: 2000, summed: 1 },
      { division: { code: '500104' }, year: 2023, count: 2, sum: 2044, summed: 1 }, // 2010 in June is superseded by 2044 at the year end
      { division: { code: '500104001' }, year: 2023, count: 1, sum: 100, summed: 1 },
      { division: { code: '500104002' }, year: 2023, count: 1, sum: 50, summed: 1 },
    ]);
    const subdistricts = await ask('[YEAR]', '{ indicatorCode: ["elderly-care-beds"], divisionCode: ["500104001", "500104002"] }', 'year count sum summed');
    expect(subdistricts.groups).toEqual([{ year: 2023, count: 2, sum: 150, summed: 2 }]);
  });

  it('stocks are never added across years', async () => {
    const { groups, errors } = await ask('[INDICATOR]', '{ indicatorCode: ["elderly-care-beds"], divisionCode: ["500104"] }', 'count sum max');
    expect(groups).toEqual([{ count: 5, sum: null, max: 2044 }]);
    expect(errors[0]!.message).toBe(
      'Cannot add levels or cumulative totals of different years (2022–2023): elderly-care-beds (2044, 2023-12-31), test-beds-2022 (2000, 2022-12-31), ' +
        "test-beds-xinshancun (100, 2023-12-31), test-beds-yuejincun (50, 2023-12-31). A year's value is its latest figure; add YEAR to groupBy or filter periodEnd to one year.",
    );
  });

  it("a district's stock and its own subdistricts' are never added: refused, naming them", async () => {
    // Before: 2044 + 100 + 50 = 2194 beds in 2023, the subdistricts' beds counted twice.
    const { groups, errors } = await ask('[INDICATOR, YEAR]', '{ indicatorCode: ["elderly-care-beds"] }', 'year count sum avg');
    expect(groups).toEqual([
      { year: 2022, count: 1, sum: 2000, avg: 2000 },
      { year: 2023, count: 4, sum: null, avg: null },
    ]);
    expect(errors.map((e) => e.path)).toEqual([
      ['groups', 1, 'avg'],
      ['groups', 1, 'sum'],
    ]);
    expect(errors[1]).toEqual({
      message:
        "Cannot add a division's figure to one of the same indicator for a division inside it, which it may already count: elderly-care-beds (2044, 500104), " +
        'test-beds-xinshancun (100, 500104001), test-beds-yuejincun (50, 500104002); the figures of 500104 may count the others. ' +
        'Add DIVISION to groupBy, or filter divisionCode to divisions none of which contains another.',
      path: ['groups', 1, 'sum'],
      extensions: { code: 'BAD_USER_INPUT', argument: 'groupBy', figures: ['elderly-care-beds', 'test-beds-xinshancun', 'test-beds-yuejincun'] },
    });
    // Filtered to divisions none of which contains another, they add up; the district's alone is its own.
    const district = await ask(
      '[YEAR]',
      '{ indicatorCode: ["elderly-care-beds"], periodEnd: { gte: "2023-01-01" }, not: { key: ["test-beds-xinshancun", "test-beds-yuejincun"] } }',
      'count sum',
    );
    expect(district).toEqual({ groups: [{ count: 2, sum: 2044 }], errors: [] });
  });

  it("a district's flow and its community's add up only over disjoint periods", async () => {
    const filter = '{ indicatorCode: ["older-people-attending-events"] }';
    const byYear = await ask('[YEAR]', filter, 'year count sum qualifier');
    expect(byYear.groups).toEqual([
      { year: 2022, count: 1, sum: 4000, qualifier: 'EXACT' },
      { year: 2023, count: 2, sum: null, qualifier: null },
    ]);
    expect(byYear.errors.map((e) => [e.path, e.extensions.figures])).toEqual([
      [
        ['groups', 1, 'qualifier'],
        ['lanqinyuan-event-participants', 'test-event-goers-2023'],
      ],
      [
        ['groups', 1, 'sum'],
        ['lanqinyuan-event-participants', 'test-event-goers-2023'],
      ],
    ]);
    expect(byYear.errors[1]!.message).toMatch(
      /^Cannot add a division's figure to one of the same indicator for a division inside it, which it may already count: lanqinyuan-event-participants \(600, 500104102-lanqinyuan\), test-event-goers-2023 \(5000, 500104\); the figures of 500104 may count the others\./,
    );
    // The district's 2022 and the community's 2023 are of disjoint periods: one is no part of the other.
    const disjoint = await ask('[]', '{ indicatorCode: ["older-people-attending-events"], not: { key: ["test-event-goers-2023"] } }', 'count sum qualifier');
    expect(disjoint).toEqual({ groups: [{ count: 2, sum: 4600, qualifier: 'AT_LEAST' }], errors: [] });
    // Grouped by DIVISION, each place has its own total.
    const byDivision = await ask('[DIVISION, YEAR]', filter, 'division { code } year sum');
    expect(byDivision).toEqual({
      groups: [
        { division: { code: '500104' }, year: 2022, sum: 4000 },
        { division: { code: '500104' }, year: 2023, sum: 5000 },
        { division: { code: '500104102-lanqinyuan' }, year: 2023, sum: 600 },
      ],
      errors: [],
    });
  });

  it('flows add up over disjoint periods and are refused where periods overlap', async () => {
    const filter = '{ indicatorCode: ["older-people-served-by-canteens"] }';
    const byYear = await ask('[YEAR]', filter, 'year count sum');
    expect(byYear.errors[0]!.message).toBe(
      'Cannot add flows whose periods overlap, they would count twice: elderly-canteen-people-served-2023-08-12 (2023-08-01–2023-12-31), ' +
        'test-canteens-2023 (2023-01-01–2023-12-31). Filter them apart (periodOverlaps, key) or group by YEAR.',
    );
    expect(byYear.groups).toEqual([
      { year: 2022, count: 1, sum: 20000 },
      { year: 2023, count: 2, sum: null },
    ]);
    // Without the overlapping year-long figure, the two years add up.
    const disjoint = await ask('[]', '{ indicatorCode: ["older-people-served-by-canteens"], not: { key: ["test-canteens-2023"] } }', 'count sum');
    expect(disjoint).toEqual({ groups: [{ count: 2, sum: 35000 }], errors: [] });
  });
});

describe('the rules read the figures of all groups at once', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refusing every group of an aggregate costs one statement more, not one per group', async () => {
    const response = await api.query('{ observationAggregate(groupBy: [DOMAIN]) { domain count sum } }');
    const groups = response.body.data?.observationAggregate as { domain: string; sum: number | null }[];
    const refused = (response.body.errors ?? []).filter((error) => error.extensions?.code === 'BAD_USER_INPUT');
    expect(groups.length).toBeGreaterThan(3);
    expect(refused.length).toBeGreaterThan(2); // every domain mixes levels, flows and shares
    expect(response.sqlStatements).toBeLessThanOrEqual(3); // the groups, then the figures of the refused ones by rule
  });
});
