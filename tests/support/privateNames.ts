/**
 * The private persons' names of the Dadukou report, recovered by comparing the original report (kept outside the
 * repository, in ../shared/source) with the redacted copy under seeds/sources/. The names are never written in
 * the repository: they exist only in the original and, for the length of a test run, in memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The original report, outside the repository (absent in a checkout without ../shared). */
export const originalPath = resolve(here, '../../../shared/source/000_2212929ef2525f67.txt');
/** The redacted copy published with the dataset. */
export const redactedPath = resolve(here, '../../seeds/sources/dadukou-2023-livelihood.txt');

/** The redaction mark: one per character of a removed name. */
export const MARK = '×';

export interface RedactedSpan {
  /** offset in code points, the same in the original and in the redacted copy */
  start: number;
  /** the original text of the span (a name) */
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
export function privateNames(): string[] | null {
  const spans = redactedSpans();
  if (spans === null) return null;
  return [...new Set(spans.map((s) => s.original))];
}
