import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicators as seededIndicators, observations as seededObservations } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => { api = await startApi(); });
afterAll(async () => { await api?.close(); });

const domainOf = new Map(seededIndicators.map((i) => [i.code, i.domain]));

describe('statistics', () => {
  it('aggregates by domain and year add up to the totals', async () => {
    const data = await api.data(`{ observationAggregate(groupBy: [DOMAIN, YEAR]) { domain year count } all: observationAggregate(groupBy: []) { count } observations { totalCount } }`);
    const groups: { domain: string; year: number; count: number }[] = data.observationAggregate;
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(data.observations.totalCount);
    expect(data.all).toEqual([{ count: 38 }]);
    for (const group of groups) {
      const expected = seededObservations.filter((o) => domainOf.get(o.indicator)!.toUpperCase() === group.domain && Number(o.period.end.slice(0, 4)) === group.year);
      expect(group.count, `${group.domain} ${group.year}`).toBe(expected.length);
    }
  });

  it('sums, averages, minima and maxima per unit agree with the figures', async () => {
    const data = await api.data(`{ observationAggregate(groupBy: [DOMAIN, UNIT], filter: { domain: [ELDERLY_CARE] }) { domain unit units count sum avg min max } }`);
    for (const group of data.observationAggregate) {
      const values = seededObservations.filter((o) => domainOf.get(o.indicator) === 'elderly_care' && o.unit.toUpperCase() === group.unit).map((o) => o.value);
      expect(group.units).toEqual([group.unit]);
      expect(group.count).toBe(values.length);
      expect(group.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
      expect(group.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
      expect(group.min).toBe(Math.min(...values));
      expect(group.max).toBe(Math.max(...values));
    }
    const beds = data.observationAggregate.find((g: { unit: string }) => g.unit === 'BED');
    expect(beds).toMatchObject({ count: 1, sum: 2044 });
  });

  it('a sum across different units is refused, the count still answered', async () => {
    const result = await api.query(`{ observationAggregate(groupBy: [DOMAIN], filter: { domain: [CULTURE] }) { domain count sum } }`);
    expect(result.body.data).toEqual({ observationAggregate: [{ domain: 'CULTURE', count: 5, sum: null }] });
    expect(result.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'groupBy' });
    expect(result.body.errors![0]!.message).toMatch(/^Cannot take the sum of figures in different units \((EDITION|EVENT|PERSON_TIME)(, (EDITION|EVENT|PERSON_TIME))+\)\. Add UNIT or INDICATOR to groupBy, or filter by unit\.$/);
    const counts = await api.data(`{ observationAggregate(groupBy: [DOMAIN], filter: { domain: [CULTURE] }) { count units } }`);
    expect(counts.observationAggregate[0].count).toBe(seededObservations.filter((o) => domainOf.get(o.indicator) === 'culture').length);
  });

  it('the yearly totals answer as every figure would', async () => {
    // A filter the yearly totals keep is answered from them (from the coarser rollup per indicator, year,
    // unit, measure and status when the filter and grouping name nothing else: the first three filters
    // with all but the DIVISION grouping); the same filter with a value range (which only the figures
    // themselves can answer, and which here excludes nothing) is answered from every figure.
    const fields = 'indicator { code } domain division { code } year unit measure units count sum avg min max';
    const filters = ['{}', '{ domain: [ELDERLY_CARE, EDUCATION] }', '{ unit: [PERSON], status: [ACTUAL], not: { measure: [SHARE] } }', '{ divisionCode: "500104" }',
      '{ or: [{ measure: [COUNT] }, { not: { hasProgram: false } }] }', '{ conflicting: true }'];
    const groupings = ['[INDICATOR, YEAR]', '[DOMAIN, UNIT]', '[YEAR, MEASURE]', '[DIVISION, MEASURE, UNIT]', '[]'];
    for (const filter of filters) {
      for (const groupBy of groupings) {
        const everyFigure = filter.replace(/^\{/, '{ value: { gt: -1e300 }, ');
        // Both answers whole, refusals of mixed-unit minima included (their places in the text aside).
        const ask = async (f: string) => {
          const { body } = await api.query(`{ groups: observationAggregate(groupBy: ${groupBy}, filter: ${f}) { ${fields.replace(/ sum avg/, '')} } }`);
          return { data: body.data, errors: body.errors?.map(({ locations: _, ...error }: Record<string, unknown>) => error) };
        };
        const totals = await ask(filter);
        expect(totals, `${filter} ${groupBy}`).toEqual(await ask(everyFigure));
        expect(totals.data.groups.reduce((n: number, g: { count: number }) => n + g.count, 0), `${filter} ${groupBy}`).toBeGreaterThan(0);
      }
    }
    // Sums and averages where every group has one unit, to the last digit the figures allow.
    const both = await api.data(`{ totals: observationAggregate(groupBy: [INDICATOR, YEAR], filter: { domain: [ELDERLY_CARE] }) { count sum avg }
      figures: observationAggregate(groupBy: [INDICATOR, YEAR], filter: { domain: [ELDERLY_CARE], value: { gt: -1e300 } }) { count sum avg } }`);
    expect(both.totals.length).toBeGreaterThan(3);
    both.totals.forEach((group: { count: number; sum: number; avg: number }, i: number) => {
      expect(group.count).toBe(both.figures[i].count);
      expect(group.sum).toBeCloseTo(both.figures[i].sum, 6);
      expect(group.avg).toBeCloseTo(both.figures[i].avg, 6);
    });
  });

  it('grouped by indicator and division, with the objects', async () => {
    const data = await api.data(`{ observationAggregate(groupBy: [INDICATOR, DIVISION], filter: { indicatorCode: ["elderly-care-institutions"] }) { indicator { code } division { code } count min max } }`);
    expect(data.observationAggregate).toEqual([{ indicator: { code: 'elderly-care-institutions' }, division: { code: '500104' }, count: 2, min: 32, max: 34 }]);
  });

  it('an indicator\'s time series is ordered by period, and latest is the newest reported figure', async () => {
    const data = await api.data(`{ indicators(first: 100) { nodes { code latest { key period { end } } observations(first: 100) { nodes { key status period { end } } } } } }`);
    for (const indicator of data.indicators.nodes) {
      const ends = indicator.observations.nodes.map((o: { period: { end: string } }) => o.period.end);
      expect([...ends].sort()).toEqual(ends);
      const actual = indicator.observations.nodes.filter((o: { status: string }) => o.status === 'ACTUAL');
      if (actual.length === 0) expect(indicator.latest).toBeNull();
      else expect(indicator.latest.period.end).toBe(actual.at(-1).period.end);
    }
  });

  it('latest for one division exactly', async () => {
    const data = await api.data(`{ indicator(code: "older-people-attending-events") { district: latest(divisionCode: "500104") { key } community: latest(divisionCode: "500104102-lanqinyuan") { value } } }`);
    expect(data.indicator.district).toBeNull();
    expect(data.indicator.community).toEqual({ value: 600 });
  });
});
