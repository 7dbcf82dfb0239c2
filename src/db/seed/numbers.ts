/**
 * Reading the numbers of a Chinese text: the values a quote states (for checking observation values) and the
 * places where the report writes a number (for checking that every figure is either published or excluded).
 */

const DIGIT: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const SMALL_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const BIG_UNIT: Record<string, number> = { 万: 1e4, 亿: 1e8 };
export const CHINESE_NUMERAL_CHARS = '〇零一二两三四五六七八九十百千万亿';

/** The value of a Chinese numeral such as 四, 十九, 二十, 十五, 三百零五, 六万八千. NaN if it is not one. */
export function parseChineseNumeral(s: string): number {
  let total = 0; // completed 万/亿 sections
  let section = 0; // inside the current 万 section
  let digit: number | null = null;
  for (const ch of s) {
    if (ch in DIGIT) {
      digit = DIGIT[ch];
    } else if (ch in SMALL_UNIT) {
      section += (digit ?? 1) * SMALL_UNIT[ch]; // 十五: a leading 十 means 一十
      digit = null;
    } else if (ch in BIG_UNIT) {
      total = (total + section + (digit ?? 0)) * BIG_UNIT[ch];
      section = 0;
      digit = null;
    } else {
      return Number.NaN;
    }
  }
  return total + section + (digit ?? 0);
}

const ARABIC_WITH_SCALE = /([0-9]+(?:\.[0-9]+)?)(?:余|多)?(万|亿)?/g;
const CHINESE_RUN = new RegExp(`[${CHINESE_NUMERAL_CHARS}]+`, 'g');

/**
 * Every number a text states, in base units: Arabic numerals with 万/亿 applied (1.5万 → 15000, 400余万 → 4000000;
 * % needs nothing: 92% → 92) and Chinese numerals (四 → 4).
 */
export function numbersIn(text: string): number[] {
  const values: number[] = [];
  for (const m of text.matchAll(ARABIC_WITH_SCALE)) {
    values.push(Number(m[1]) * (m[2] ? BIG_UNIT[m[2]] : 1));
  }
  for (const m of text.matchAll(CHINESE_RUN)) {
    const v = parseChineseNumeral(m[0]);
    if (!Number.isNaN(v)) values.push(v);
  }
  return values;
}

/**
 * Measure words (量词) and counted nouns that make a Chinese numeral a count: 五街三镇, 四届, 九条, 五大课程,
 * 两天, 十五分钟… A Chinese numeral followed by anything else (百花小学, 百姓, 亿万群众) is part of a word.
 */
export const MEASURE_WORDS = '个所家场名张户届条年街镇大位项次种号天月日岁度分期批座件份类元人倍成级把层支部处间台辆本篇门季';

export interface NumberOccurrence {
  start: number; // UTF-16 offset, as String.prototype.indexOf counts
  end: number;
  text: string;
  kind: 'arabic' | 'chinese';
}

/**
 * Every place where the text writes a number: each Arabic numeral (with its decimals), and each Chinese numeral in
 * counting use (followed by a measure word). Two rules keep out what is not a number:
 * - a 万/亿 right after an Arabic numeral (1.5万, 400余万) scales that numeral and is not a second number;
 * - a lone 一 is not scanned: it is the Chinese indefinite article and the 一 of set phrases (一批, 一场活动,
 *   一个缩影, 一把手, 一件事, 一期工程, 一个个…); every figure "one" in the report is written as an Arabic 1.
 */
export function scanNumbers(text: string): NumberOccurrence[] {
  const found: NumberOccurrence[] = [];
  for (const m of text.matchAll(/[0-9]+(?:\.[0-9]+)?/g)) {
    found.push({ start: m.index!, end: m.index! + m[0].length, text: m[0], kind: 'arabic' });
  }
  for (const m of text.matchAll(CHINESE_RUN)) {
    const start = m.index!;
    const run = m[0];
    if (run === '一') continue;
    const before = text.slice(Math.max(0, start - 2), start);
    if (/^[万亿]+$/.test(run) && /[0-9][余多]?$/.test(before)) continue;
    const next = text[start + run.length] ?? '';
    if (!MEASURE_WORDS.includes(next)) continue;
    found.push({ start, end: start + run.length, text: run, kind: 'chinese' });
  }
  return found.sort((a, b) => a.start - b.start);
}
