import { describe, expect, it } from 'vitest';
import { figureDisagreements } from '../../src/db/seed/validate.js';
import { observations } from './dataset.js';
import { numbersIn } from './numbers.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

// The checks are the seed loader's own (src/db/seed/validate.ts): db:seed refuses what fails here.
describe('observation values agree with their quotes', () => {
  it('has observations to check', () => {
    expect(observations.length).toBeGreaterThan(30);
  });

  it.each(observations.map((o) => [o.key, o] as const))('%s', (_key, o) => {
    expect(figureDisagreements(o as Parameters<typeof figureDisagreements>[0])).toEqual([]);
  });
});

describe('numbersIn reads Chinese figures', () => {
  it.each([
    ['1.5万余人次', 15000],
    ['400余万元', 4000000],
    ['约46亿元', 4600000000],
    ['8.94万元', 89400],
    ['同比下降48%', 48],
    ['连续四届', 4],
    ['第十九届', 19],
    ['二十大', 20],
    ['15600余个', 15600],
  ])('%s → %d', (text, value) => {
    expect(numbersIn(text)).toContain(value);
  });

  it('does not invent a value', () => {
    expect(numbersIn('1.5万余人次').some((n) => close(n, 1500))).toBe(false);
  });
});
