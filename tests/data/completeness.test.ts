import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observations, occurrences, sourceText } from './dataset.js';
import { scanNumbers, type NumberOccurrence } from './numbers.js';

interface Exclusion {
  context: string;
  reason: string;
}
const exclusions: Exclusion[] = JSON.parse(readFileSync(join(import.meta.dirname, 'number-exclusions.json'), 'utf8'));

type Span = [number, number];
const spansOf = (needle: string): Span[] => occurrences(sourceText, needle).map((s) => [s, s + needle.length]);
const inside = (n: NumberOccurrence, spans: Span[]) => spans.some(([s, e]) => s <= n.start && n.end <= e);
const show = (n: NumberOccurrence) => `${n.text} in …${sourceText.slice(Math.max(0, n.start - 12), n.end + 12).replace(/\n/g, ' ')}…`;

const numbers = scanNumbers(sourceText);
const quoted: Span[] = observations.flatMap((o) => spansOf(o.citation.quote));

describe('every number of the report is published or excluded for a reason', () => {
  it("the scan finds the report's numbers", () => {
    // a scan that finds nothing would pass everything
    expect(numbers.length).toBeGreaterThan(60);
    expect(numbers.some((n) => n.text === '56.76')).toBe(true);
    expect(numbers.some((n) => n.text === '四' && sourceText.slice(n.start, n.end + 1) === '四届')).toBe(true);
  });

  it('each number lies in the quote of an observation or in a listed exclusion', () => {
    const excluded: Span[] = exclusions.flatMap((x) => spansOf(x.context));
    const orphans = numbers.filter((n) => !inside(n, quoted) && !inside(n, excluded)).map(show);
    expect(orphans).toEqual([]);
  });

  it('each exclusion has a reason and matches a number that no observation covers (none is stale)', () => {
    const stale = exclusions.filter((x) => {
      if (!x.reason || x.reason.trim().length < 10) return true;
      const spans = spansOf(x.context);
      return !numbers.some((n) => inside(n, spans) && !inside(n, quoted));
    });
    expect(stale.map((x) => x.context)).toEqual([]);
  });

  it('the exclusion list stays short', () => {
    expect(exclusions.length).toBeLessThanOrEqual(25);
    expect(new Set(exclusions.map((x) => x.context)).size).toBe(exclusions.length);
  });
});

describe('scanNumbers', () => {
  it('finds Arabic numerals and Chinese numerals in counting use', () => {
    expect(scanNumbers('建成食堂8个，另有三所学校、两天、十五分钟、第十九届').map((n) => n.text)).toEqual(['8', '三', '两', '十五', '十九']);
  });

  it('skips scale characters of Arabic numerals, numerals inside words, and the article 一', () => {
    expect(scanNumbers('1.5万余人次、400余万元、百花小学、亿万群众、一场活动').map((n) => n.text)).toEqual(['1.5', '400']);
  });
});
