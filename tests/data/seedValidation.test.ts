import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDadukouSeeds } from '../../src/composition/seeds.js';
import { SeedError } from '../../src/db/seed/readSeeds.js';
import type { ObservationRecord } from '../../src/domains/statistics/seed.js';
import { figureProblems, labelInQuote } from '../../src/db/seed/validate.js';
import { observations, seedsDir } from './dataset.js';

const beds = observations.find((o) => o.key === 'elderly-care-beds') as ObservationRecord;
const fall = observations.find((o) => o.key === 'crimes-against-minors-yoy-2023-11') as ObservationRecord;

/** A copy of the seeds with one text replacement in one file, as a careless edit would make. */
const copies: string[] = [];
function seedsWith(file: string, from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-seeds-'));
  copies.push(dir);
  cpSync(seedsDir, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text.split(from)).toHaveLength(2); // the edit is made exactly once
  writeFileSync(join(dir, file), text.replace(from, to));
  return dir;
}
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function seedError(dir: string): string {
  try {
    readDadukouSeeds(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(SeedError);
    return (error as Error).message;
  }
  throw new Error('the seeds were accepted');
}

describe('the seed loader refuses a figure its quote does not state', () => {
  it('the seeds as they are pass', () => {
    expect(beds.citation.quote).toContain('2044张');
    expect(figureProblems(observations as ObservationRecord[])).toEqual([]);
  });

  it("a value that is not the quote's number is named with its record", () => {
    const problems = figureProblems([{ ...beds, value: 2050 }]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^observations\.json: record 1 \("elderly-care-beds"\): field "value": 2050 /);
    expect(problems.join('\n')).toContain('2044张');
  });

  it('a fall recorded as a rise, a wrong hedge and a wrong unit are refused too', () => {
    expect(figureProblems([{ ...fall, value: 56.76 }]).join('\n')).toMatch(/field "value": 56\.76, but the quote states a fall/);
    expect(figureProblems([{ ...beds, qualifier: 'approximate' }]).join('\n')).toMatch(
      /field "qualifier": approximate, but the label "2044张" calls for exact/,
    );
    expect(figureProblems([{ ...beds, unit: 'person' as ObservationRecord['unit'] }]).join('\n')).toMatch(
      /field "unit": person, but the label "2044张" is in bed/,
    );
  });

  it("db:seed's reading step fails on the edited file, naming the record, before anything is written", () => {
    const message = seedError(seedsWith('observations.json', '"value": 2044,', '"value": 2050,'));
    expect(message).toMatch(/^Seed data rejected, nothing was written:/);
    expect(message).toMatch(/observations\.json: record \d+ \("elderly-care-beds"\): field "value": 2050 is not a number of its label "2044张"/);
  });

  it('a quote that is not verbatim in its source fails the same way', () => {
    const message = seedError(seedsWith('observations.json', '"quote": "设置养老床位2044张"', '"quote": "设置床位2044张"'));
    expect(message).toMatch(/observations\.json: record \d+ \("elderly-care-beds"\): field "citation\.quote": does not occur verbatim/);
  });

  it("a label is the quote's wording, a shared word kept in each label", () => {
    expect(labelInQuote('2044张', '设置养老床位2044张')).toBe(true);
    expect(labelInQuote('同比下降56.76%', '分别同比下降48%、56.76%')).toBe(true);
    expect(labelInQuote('同比上升56.76%', '分别同比下降48%、56.76%')).toBe(false);
    expect(labelInQuote('2050张', '设置养老床位2044张')).toBe(false);
  });
});
