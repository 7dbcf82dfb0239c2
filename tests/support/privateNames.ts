/**
 * The private details of the Dadukou report (residents' names, ages, health and home, the byline's names), recovered by
 * comparing the original report (kept outside the repository, in ../shared/source) with the redacted copy under
 * seeds/sources/; and detectors that find such details by their pattern, with or without the original. The details
 * are never written in the repository: they exist only in the original and, for the length of a test run, in memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The original report, outside the repository (absent in a checkout without ../shared). */
export const originalPath = resolve(here, '../../../shared/source/000_2212929ef2525f67.txt');
/** The redacted copy published with the dataset. */
export const redactedPath = resolve(here, '../../seeds/sources/dadukou-2023-livelihood.txt');

/** The redaction mark: one per character of a removed detail. */
export const MARK = '×';

export interface RedactedSpan {
  /** offset in code points, the same in the original and in the redacted copy */
  start: number;
  /** the original text of the span (a name, an age, a health detail, a home) */
  original: string;
}

/**
 * The spans of the original that the redacted copy replaces by ×, or null when the original is not available.
 * Throws when the two texts differ anywhere else, or in length: redaction is one × per character, nothing more.
 */
export function redactedSpans(): RedactedSpan[] | null {
  if (!existsSync(originalPath)) return null;
  const original = Array.from(readFileSync(originalPath, 'utf8'));
  const redacted = Array.from(readFileSync(redactedPath, 'utf8'));
  if (original.length !== redacted.length) {
    throw new Error(`redacted copy has ${redacted.length} characters, the original ${original.length}: redaction must replace each character by one ${MARK}`);
  }
  const spans: RedactedSpan[] = [];
  let current: RedactedSpan | null = null;
  for (let i = 0; i < original.length; i++) {
    const differs = original[i] !== redacted[i];
    if (differs && redacted[i] !== MARK) {
      throw new Error(`redacted copy differs from the original at character ${i} by something other than ${MARK}`);
    }
    if (differs) {
      if (current) current.original += original[i];
      else current = { start: i, original: original[i] };
    } else if (current) {
      spans.push(current);
      current = null;
    }
  }
  if (current) spans.push(current);
  return spans;
}

/** The distinct strings of the original replaced by × in the redacted copy, or null without the original. */
export function privateDetails(): string[] | null {
  const spans = redactedSpans();
  if (spans === null) return null;
  return [...new Set(spans.map((s) => s.original))];
}

/** The earlier name of privateDetails (tests/api/dataset.test.ts searches the API for each). */
export const privateNames = privateDetails;

/** Words that address or name one person: a sentence holding one (or a redaction mark) is about a private person. */
const PERSON = /[×]|婆婆|爷爷|奶奶|阿姨|叔叔|大爷|大妈|大娘|老伯|先生|女士|患者|病人/;
/** Words of a person's health: conditions, diet, medicine, mobility. */
const HEALTH = /血糖|血压|血脂|糖尿|低盐|低糖|饮食|早餐|药|病|行动不便|走路|运动|瘫|失能|失智|痴呆|残疾|骨折|卧床|癌|中风|住院|手术|视力|听力/;
/** A person's age; an age followed by 以上/以下/及以上 is a group's threshold (80岁以上老年人), not a person's. */
const AGE = /[0-9０-９一二三四五六七八九十百]+(?:周)?岁(?!以上|以下|及以上|及以下)|\b\d+[- ]years?[- ]old\b/i;
/**
 * A home: a named residential compound (a name before 小区; 出小区, 走进小区 and a redacted name are not names),
 * a building, unit, floor or door number, a street number.
 */
const HOME = /(?<![×出入进各旧个的和及与、在])小区|[0-9０-９一二三四五六七八九十]+(?:栋|幢|单元|号楼|号院|室)|[路街巷道][0-9０-９]+号/;

export interface PrivateDetailFound {
  kind: 'age' | 'health' | 'home';
  /** offset of the sentence in the text, to report without printing the detail */
  at: number;
}

/**
 * The ages, health details and homes of private persons that a text states: an age or a home anywhere, a health word
 * only in a sentence about one person (where a redaction mark or a word addressing a person stands), since the
 * report's services are described with the same words for older people in general (量血压、测血糖).
 */
export function privateDetailsIn(text: string): PrivateDetailFound[] {
  const found: PrivateDetailFound[] = [];
  for (const sentence of text.matchAll(/[^。！？!?\n]+/g)) {
    const at = sentence.index!;
    if (AGE.test(sentence[0])) found.push({ kind: 'age', at });
    if (HOME.test(sentence[0])) found.push({ kind: 'home', at });
    if (PERSON.test(sentence[0]) && HEALTH.test(sentence[0])) found.push({ kind: 'health', at });
  }
  return found;
}
