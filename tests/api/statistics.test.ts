import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicators as seededIndicators, observations as seededObservations } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const domainOf = new Map(seededIndicators.map((i) => [i.code, i.domain]));

describe('statistics', () => {
  it('aggregates by domain and year add up to the totals', async () => {
    const data = await api.data(
      `{ observationAggregate(groupBy: [DOMAIN, YEAR]) { domain year count } all: observationAggregate(groupBy: []) { count } observations { totalCount } }`,
    );
    const groups: { domain: string; year: number; count: number }[] = data.observationAggregate;
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(data.observations.totalCount);
    expect(data.all).toEqual([{ count: 38 }]);
    for (const group of groups) {
      const expected = seededObservations.filter(
        (o) => domainOf.get(o.indicator)!.toUpperCase() === group.domain && Number(o.period.end.slice(0, 4)) === group.year,
      );
      expect(group.count, `${group.domain} ${group.year}`).toBe(expected.length);
    }
  });

  it('sums, averages, minima and maxima per unit and measure agree with the figures', async () => {
    // Since issue #16 a sum takes one measure (a cumulative total never adds to a period figure) and leaves
    // contested figures out when asked to (EXCLUDE); count, min and max still describe every figure.
    // Every elderly-care figure is of 2023 and of a series of its own, so each uncontested one enters.
    const data =
      await api.data(`{ observationAggregate(groupBy: [DOMAIN, UNIT, MEASURE], filter: { domain: [ELDERLY_CARE], not: { measure: [SHARE, YOY_CHANGE] } }, conflicts: EXCLUDE) {
      domain unit measure units count sum avg min max summed } }`);
    expect(data.observationAggregate.length).toBeGreaterThan(5);
    for (const group of data.observationAggregate) {
      const figures = seededObservations.filter(
        (o) =>
          (domainOf.get(o.indicator) === 'elderly_care' || o.reported_in_domain === 'elderly_care') &&
          o.unit.toUpperCase() === group.unit &&
          o.measure.toUpperCase() === group.measure,
      );
      const values = figures.map((o) => o.value);
      const entering = figures.filter((o) => o.conflict_group == null).map((o) => o.value);
      expect(group.units).toEqual([group.unit]);
      expect(group.count).toBe(values.length);
      expect(group.summed).toBe(entering.length);
      if (entering.length === 0) expect(group.sum).toBeNull();
      else {
        expect(group.sum).toBeCloseTo(
          entering.reduce((a, b) => a + b, 0),
          6,
        );
        expect(group.avg).toBeCloseTo(entering.reduce((a, b) => a + b, 0) / entering.length, 6);
      }
      expect(group.min).toBe(Math.min(...values));
      expect(group.max).toBe(Math.max(...values));
    }
    const beds = data.observationAggregate.find((g: { unit: string }) => g.unit === 'BED');
    expect(beds).toMatchObject({ count: 1, sum: 2044 });
    const institutions = data.observationAggregate.find((g: { unit: string }) => g.unit === 'INSTITUTION');
    expect(institutions).toMatchObject({ count: 2, summed: 0, sum: null, min: 32, max: 34 });
  });

  it('a sum across different units is refused, the count still answered', async () => {
    const result = await api.query(`{ observationAggregate(groupBy: [DOMAIN], filter: { domain: [CULTURE] }) { domain count sum } }`);
    expect(result.body.data).toEqual({ observationAggregate: [{ domain: 'CULTURE', count: 5, sum: null }] });
    expect(result.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'groupBy' });
    expect(result.body.errors![0]!.message).toMatch(
      /^Cannot take the sum of figures in different units \((EDITION|EVENT|PERSON_TIME)(, (EDITION|EVENT|PERSON_TIME))+\)\. Add UNIT or INDICATOR to groupBy, or filter by unit\.$/,
    );
    const counts = await api.data(`{ observationAggregate(groupBy: [DOMAIN], filter: { domain: [CULTURE] }) { count units } }`);
    expect(counts.observationAggregate[0].count).toBe(seededObservations.filter((o) => domainOf.get(o.indicator) === 'culture').length);
  });

  it('the yearly totals answer as every figure would', async () => {
    // A filter the yearly totals keep is answered from them (from the coarser rollup per indicator, year,
    // unit, measure and status when the filter and grouping name nothing else: the first three filters
    // with all but the DIVISION grouping); the same filter with a value range (which only the figures
    // themselves can answer, and which here excludes nothing) is answered from every figure.
    const fields = 'indicator { code } domain division { code } year unit measure units measures contested count sum avg summed qualifier min max';
    const filters = [
      '{}',
      '{ domain: [ELDERLY_CARE, EDUCATION] }',
      '{ unit: [PERSON], status: [ACTUAL], not: { measure: [SHARE] } }',
      '{ divisionCode: "500104" }',
      '{ or: [{ measure: [COUNT] }, { not: { hasProgram: false } }] }',
      '{ conflicting: true }',
    ];
    const groupings = ['[INDICATOR, YEAR]', '[DOMAIN, UNIT]', '[YEAR, MEASURE]', '[DIVISION, MEASURE, UNIT]', '[]'];
    for (const filter of filters) {
      for (const groupBy of groupings) {
        const everyFigure = filter.replace(/^\{/, '{ value: { gt: -1e300 }, ');
        // Both answers whole, refusals of mixed-unit minima included (their places in the text aside).
        const ask = async (f: string) => {
          const { body } = await api.query(
            `{ groups: observationAggregate(groupBy: ${groupBy}, filter: ${f}) { ${fields.replace(/ sum avg summed qualifier/, '')} } }`,
          );
          // Sums resolve concurrently (a refusal may read the figures), so errors come in any order: by path.
          const errors = body.errors?.map(({ locations: _, ...error }: Record<string, unknown>) => error);
          return { data: body.data, errors: errors?.sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path))) };
        };
        const totals = await ask(filter);
        expect(totals, `${filter} ${groupBy}`).toEqual(await ask(everyFigure));
        expect(
          totals.data.groups.reduce((n: number, g: { count: number }) => n + g.count, 0),
          `${filter} ${groupBy}`,
        ).toBeGreaterThan(0);
      }
    }
    // Sums and averages where every group has one unit, to the last digit the figures allow.
    // (conflicts: EXCLUDE, since the institutions' two contradicting figures would refuse the sum.)
    const both =
      await api.data(`{ totals: observationAggregate(groupBy: [INDICATOR, YEAR], filter: { domain: [ELDERLY_CARE] }, conflicts: EXCLUDE) { count sum avg summed qualifier excluded { key } }
      figures: observationAggregate(groupBy: [INDICATOR, YEAR], filter: { domain: [ELDERLY_CARE], value: { gt: -1e300 } }, conflicts: EXCLUDE) { count sum avg summed qualifier excluded { key } } }`);
    expect(both.totals.length).toBeGreaterThan(3);
    both.totals.forEach((group: { count: number; sum: number; avg: number }, i: number) => {
      expect({ ...group, sum: undefined, avg: undefined }).toEqual({ ...both.figures[i], sum: undefined, avg: undefined });
      expect(group.sum).toBeCloseTo(both.figures[i].sum, 6);
      expect(group.avg).toBeCloseTo(both.figures[i].avg, 6);
    });
  });

  it('grouped by indicator and division, with the objects', async () => {
    const data = await api.data(
      `{ observationAggregate(groupBy: [INDICATOR, DIVISION], filter: { indicatorCode: ["elderly-care-institutions"] }) { indicator { code } division { code } count min max } }`,
    );
    expect(data.observationAggregate).toEqual([{ indicator: { code: 'elderly-care-institutions' }, division: { code: '500104' }, count: 2, min: 32, max: 34 }]);
  });

  it("an indicator's time series is ordered by period, and latest is the newest reported figure unless the sources contradict each other there", async () => {
    const data =
      await api.data(`{ indicators(first: 100) { nodes { code latest { key period { end } } latestFigures { key period { end } conflictsWith { key } }
      observations(first: 100) { nodes { key status period { end } } } } } }`);
    let contested = 0;
    for (const indicator of data.indicators.nodes) {
      const ends = indicator.observations.nodes.map((o: { period: { end: string } }) => o.period.end);
      expect([...ends].sort()).toEqual(ends);
      const actual = indicator.observations.nodes.filter((o: { status: string }) => o.status === 'ACTUAL');
      if (actual.length === 0) {
        expect(indicator.latest).toBeNull();
        expect(indicator.latestFigures).toEqual([]);
      } else if (indicator.latest) {
        expect(indicator.latest.period.end).toBe(actual.at(-1).period.end);
        expect(indicator.latestFigures.map((o: { key: string }) => o.key)).toEqual([indicator.latest.key]);
      } else {
        // No pick: every figure of the newest date, each naming the others as contradicting it.
        contested += 1;
        expect(indicator.latestFigures.length, indicator.code).toBeGreaterThan(1);
        for (const figure of indicator.latestFigures) {
          expect(figure.period.end).toBe(actual.at(-1).period.end);
          expect(figure.conflictsWith.map((o: { key: string }) => o.key).sort()).toEqual(
            indicator.latestFigures
              .map((o: { key: string }) => o.key)
              .filter((key: string) => key !== figure.key)
              .sort(),
          );
        }
      }
    }
    expect(contested).toBe(1);
  });

  it('latest for one division exactly', async () => {
    const data = await api.data(
      `{ indicator(code: "older-people-attending-events") { district: latest(divisionCode: "500104") { key } community: latest(divisionCode: "500104102-lanqinyuan") { value } } }`,
    );
    expect(data.indicator.district).toBeNull();
    expect(data.indicator.community).toEqual({ value: 600 });
  });
});

describe('data fixes of issue #16', () => {
  it("a change's label keeps its direction", async () => {
    // Before: crimes-against-minors-yoy-2023-11 read "56.76%" for -56.76.
    const data = await api.data(`{ observations(filter: { measure: [YOY_CHANGE] }) { nodes { key value zh: label(lang: ZH) en: label(lang: EN) } } }`);
    expect(data.observations.nodes.length).toBe(2);
    for (const figure of data.observations.nodes) {
      expect(figure.zh, figure.key).toMatch(figure.value < 0 ? /下降/ : /增长|上升/);
      expect(figure.en, figure.key).toMatch(figure.value < 0 ? /^down / : /^up /);
    }
    expect(data.observations.nodes.find((f: { key: string }) => f.key === 'crimes-against-minors-yoy-2023-11')).toMatchObject({
      value: -56.76,
      zh: '同比下降56.76%',
    });
  });

  it('the crime trends are district statistics, not results of the 莎姐守未 campaign', async () => {
    const data = await api.data(`{ observations(filter: { measure: [YOY_CHANGE] }) { nodes { key program { slug } division { code } } }
      program(slug: "shajie-shouwei-campaign") { observations { totalCount } } }`);
    expect(data.observations.nodes).toEqual([
      { key: 'juvenile-crime-yoy-2023-11', program: null, division: { code: '500104' } },
      { key: 'crimes-against-minors-yoy-2023-11', program: null, division: { code: '500104' } },
    ]);
    expect(data.program.observations.totalCount).toBe(0);
  });

  it('a figure whose period the text does not state says in its period label that the period is assumed', async () => {
    // A figure of its own period whose sentence gives no time (今年, 8—12月, 每年…): 68场次, 近20场次, 100户, 600多位.
    const data = await api.data(
      `{ observations(first: 100, filter: { measure: [COUNT] }) { nodes { key source { quote } period { zh: label(lang: ZH) en: label(lang: EN) } } } }`,
    );
    const undated = data.observations.nodes.filter((f: { source: { quote: string } }) => !/年|月|截至/.test(f.source.quote));
    expect(undated.map((f: { key: string }) => f.key).sort()).toEqual([
      'age-friendly-modified-households',
      'classical-concerts-held-2023',
      'lanqinyuan-event-participants',
      'sichuan-chongqing-national-municipal-events-2023',
    ]);
    for (const figure of undated) {
      expect(figure.period.zh, figure.key).toMatch(/未注明/);
      expect(figure.period.en, figure.key).toMatch(/not (stated|given)/);
    }
  });

  it('the 34 institutions, stated in the health section, are found under health and under elderly care', async () => {
    const data =
      await api.data(`{ health: observations(filter: { domain: [HEALTH], indicatorCode: ["elderly-care-institutions"] }) { nodes { key reportedInDomain indicator { domain } } }
      elderlyCare: observations(filter: { domain: [ELDERLY_CARE], indicatorCode: ["elderly-care-institutions"] }) { nodes { key reportedInDomain } } }`);
    expect(data.health.nodes).toEqual([{ key: 'elderly-care-institutions-34', reportedInDomain: 'HEALTH', indicator: { domain: 'ELDERLY_CARE' } }]);
    expect(data.elderlyCare.nodes).toEqual([
      { key: 'elderly-care-institutions-32', reportedInDomain: null },
      { key: 'elderly-care-institutions-34', reportedInDomain: 'HEALTH' },
    ]);
  });

  it('完成改造100户 belongs to both programs its sentence names', async () => {
    const data = await api.data(`{ observations(filter: { key: ["age-friendly-modified-households"] }) { nodes { program { slug } programs { slug } } }
      pilot: program(slug: "family-elderly-care-bed-pilot") { observations { totalCount nodes { key } } }
      modification: program(slug: "age-friendly-home-modification") { observations { nodes { key } } }
      byFilter: observations(filter: { programSlug: ["family-elderly-care-bed-pilot"] }) { nodes { key } }
      aggregate: observationAggregate(groupBy: [], filter: { programSlug: ["family-elderly-care-bed-pilot"] }) { count sum } }`);
    expect(data.observations.nodes).toEqual([
      {
        program: { slug: 'age-friendly-home-modification' },
        programs: [{ slug: 'age-friendly-home-modification' }, { slug: 'family-elderly-care-bed-pilot' }],
      },
    ]);
    expect(data.pilot.observations).toEqual({ totalCount: 1, nodes: [{ key: 'age-friendly-modified-households' }] });
    expect(data.modification.observations.nodes).toEqual([{ key: 'age-friendly-modified-households' }]);
    expect(data.byFilter.nodes).toEqual([{ key: 'age-friendly-modified-households' }]);
    expect(data.aggregate).toEqual([{ count: 1, sum: 100 }]);
  });
});
