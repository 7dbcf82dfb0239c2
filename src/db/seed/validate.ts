import { numbersIn } from './numbers.js';

/**
 * What a figure must agree with in its own quote, checked before anything is written so that a wrong seed edit fails
 * `db:seed` naming the record (tests/data/values.test.ts runs the same checks over the whole dataset). Quotes being
 * verbatim in their source is checked by readSeeds itself; the observations' seed kind runs these as its content checks.
 */

/** What the checks read of an observation record (src/domains/statistics/seed.ts). */
export interface Figure {
  key: string;
  value: number;
  qualifier: string;
  unit: string;
  measure: string;
  label_zh: string;
  citation: { quote: string };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The qualifiers a label's hedge words allow (seeds/DATA.md, value conventions). */
export function qualifiersFor(label: string): string[] {
  if (/余|多|以上/.test(label)) return ['at_least'];
  if (/约/.test(label)) return ['approximate'];
  if (/^近/.test(label)) return ['nearly', 'approximate', 'at_most'];
  return ['exact'];
}

/** The unit a label's own wording implies, where it implies one. */
export function unitFor(label: string): string | null {
  if (/%$/.test(label)) return 'percent';
  if (/元$/.test(label)) return 'cny';
  if (/人次$/.test(label)) return 'person_time';
  if (/户$/.test(label)) return 'household';
  if (/张$/.test(label)) return 'bed';
  if (/所(共同体学校)?$/.test(label)) return 'school';
  return null;
}

/**
 * Is the label the quote's own wording? Either verbatim, or the words before its number and the number with what
 * follows each verbatim: a word the quote shares between figures keeps its place in each label ("分别同比下降48%、56.76%"
 * gives 同比下降48% and 同比下降56.76%, so the second keeps its direction).
 */
export function labelInQuote(label: string, quote: string): boolean {
  if (quote.includes(label)) return true;
  const firstDigit = label.search(/[0-9]/);
  if (firstDigit <= 0) return false;
  return quote.includes(label.slice(0, firstDigit)) && quote.includes(label.slice(firstDigit));
}

/** How one figure disagrees with its label and quote; empty when it agrees. Each message names the field. */
export function figureDisagreements(o: Figure): string[] {
  const problems: string[] = [];
  const quote = o.citation.quote;
  const stated = (text: string) => numbersIn(text).some((n) => close(n, Math.abs(o.value)));
  if (!labelInQuote(o.label_zh, quote)) problems.push(`field "label_zh": "${o.label_zh}" is not the wording of its quote "${quote}"`);
  // a signed change is compared by its absolute value; values are in base units (万/亿 applied)
  if (!stated(o.label_zh))
    problems.push(`field "value": ${o.value} is not a number of its label "${o.label_zh}" (it states ${numbersIn(o.label_zh).join(', ') || 'none'})`);
  if (!stated(quote)) problems.push(`field "value": ${o.value} is not a number of its quote "${quote}"`);
  const qualifiers = qualifiersFor(o.label_zh);
  if (!qualifiers.includes(o.qualifier)) problems.push(`field "qualifier": ${o.qualifier}, but the label "${o.label_zh}" calls for ${qualifiers.join(' or ')}`);
  const unit = unitFor(o.label_zh);
  if (unit && o.unit !== unit) problems.push(`field "unit": ${o.unit}, but the label "${o.label_zh}" is in ${unit}`);
  if (o.measure === 'yoy_change') {
    if (o.unit !== 'percent') problems.push(`field "unit": a year-on-year change is in percent, not ${o.unit}`);
    if (/下降|减少/.test(quote) && o.value >= 0) problems.push(`field "value": ${o.value}, but the quote states a fall: a fall is negative`);
    if (/增长|上升|增加/.test(quote) && o.value <= 0) problems.push(`field "value": ${o.value}, but the quote states a rise: a rise is positive`);
  } else if (o.value < 0) {
    problems.push(`field "value": ${o.value} is negative; only a change (measure yoy_change) can be`);
  }
  if (o.measure === 'share' && o.unit !== 'percent') problems.push(`field "unit": a share is in percent, not ${o.unit}`);
  return problems;
}

/** Every disagreement of every figure, each prefixed with its file, record number and key as readSeeds names them. */
export function figureProblems(observations: Figure[]): string[] {
  return observations.flatMap((o, index) =>
    figureDisagreements(o).map((problem) => `observations.json: record ${index + 1} (${JSON.stringify(o.key)}): ${problem}`),
  );
}
