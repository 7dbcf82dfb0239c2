import { describe, expect, it } from 'vitest';
import { observations } from './dataset.js';
import { numbersIn } from './numbers.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Hedge words of a label and the qualifier they call for (DESIGN §3). */
function qualifierFor(label: string): string[] {
  if (/余|多|以上/.test(label)) return ['at_least'];
  if (/约/.test(label)) return ['approximate'];
  if (/^近/.test(label)) return ['nearly', 'approximate', 'at_most'];
  return ['exact'];
}

/** The unit a label's own wording implies, where it implies one. */
function unitFor(label: string): string | null {
  if (/%$/.test(label)) return 'percent';
  if (/元$/.test(label)) return 'cny';
  if (/人次$/.test(label)) return 'person_time';
  if (/户$/.test(label)) return 'household';
  if (/张$/.test(label)) return 'bed';
  if (/所(共同体学校)?$/.test(label)) return 'school';
  return null;
}

describe('observation values agree with their quotes', () => {
  it('has observations to check', () => {
    expect(observations.length).toBeGreaterThan(30);
  });

  it.each(observations.map((o) => [o.key, o] as const))('%s', (_key, o) => {
    const quote: string = o.citation.quote;
    expect(quote, 'label_zh must occur in the quote').toContain(o.label_zh);
    // the value is one of the numbers the label states (and so the quote states), in base units;
    // a signed change is compared by its absolute value
    const stated = numbersIn(o.label_zh);
    expect(stated.some((n) => close(n, Math.abs(o.value))), `value ${o.value} vs label ${o.label_zh} (numbers ${stated})`).toBe(true);
    expect(numbersIn(quote).some((n) => close(n, Math.abs(o.value))), `value ${o.value} vs quote`).toBe(true);
    expect(qualifierFor(o.label_zh)).toContain(o.qualifier);
    const unit = unitFor(o.label_zh);
    if (unit) expect(o.unit).toBe(unit);
    if (o.measure === 'yoy_change') {
      expect(o.unit).toBe('percent');
      if (/下降|减少/.test(quote)) expect(o.value).toBeLessThan(0);
      if (/增长|上升|增加/.test(quote)) expect(o.value).toBeGreaterThan(0);
    } else {
      expect(o.value).toBeGreaterThanOrEqual(0);
    }
    if (o.measure === 'share') expect(o.unit).toBe('percent');
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
