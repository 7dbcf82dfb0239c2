import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARK, originalPath, privateNames, redactedSpans } from '../support/privateNames.js';
import { scanNumbers } from './numbers.js';
import { allCitations, filesUnder, root, seedsDir, sourceText, sourceTextPath } from './dataset.js';

// privateNames() throws when the copy differs from the original by more than × marks: report that as a failure
let names: string[] | null = null;
let redactionError: unknown = null;
try {
  names = privateNames();
} catch (error) {
  redactionError = error;
}
const originalAvailable = names !== null || redactionError !== null;
const seedFiles = filesUnder(seedsDir).filter((p) => p !== sourceTextPath);

describe('privacy: private persons are not published', () => {
  it.skipIf(!originalAvailable)('the redacted copy equals the original except at the redacted names', () => {
    expect(redactionError).toBeNull();
    const spans = redactedSpans()!;
    expect(spans.length).toBeGreaterThan(0);
    const original = Array.from(readFileSync(originalPath, 'utf8'));
    const redacted = Array.from(sourceText);
    const rebuilt = [...redacted];
    for (const s of spans) Array.from(s.original).forEach((ch, i) => (rebuilt[s.start + i] = ch));
    expect(rebuilt.join('') === original.join('')).toBe(true);
    for (const s of spans) expect(redacted.slice(s.start, s.start + Array.from(s.original).length).join('')).toBe(MARK.repeat(Array.from(s.original).length));
  });

  it.skipIf(!originalAvailable)('no name appears in any seed file', () => {
    expect(redactionError).toBeNull();
    const original = Array.from(readFileSync(originalPath, 'utf8'));
    // A one-character name (a surname in "×婆婆") is an ordinary character elsewhere (周边, 周周), so it is
    // looked for together with the words that follow it in the original; longer names are looked for alone.
    const needles = new Set<string>();
    for (const s of redactedSpans()!) {
      const len = Array.from(s.original).length;
      needles.add(len > 1 ? s.original : original.slice(s.start, s.start + len + 2).join(''));
    }
    const leaks: string[] = [];
    for (const file of seedFiles) {
      const text = readFileSync(file, 'utf8');
      // report the file and the position only: the failure message must not print the name itself
      for (const n of needles) if (text.includes(n)) leaks.push(`${relative(root, file)} at ${text.indexOf(n)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('no quote overlaps a passage about a private person', () => {
    // passages (split at sentence ends, quotation marks and spaces) that contain a redaction mark
    const privatePassages: [number, number][] = [];
    const re = /[^。！？；\n“”\s]+/g;
    for (const m of sourceText.matchAll(re)) if (m[0].includes(MARK)) privatePassages.push([m.index!, m.index! + m[0].length]);
    expect(privatePassages.length).toBeGreaterThan(0);
    const overlapping = allCitations().filter(({ citation }) => {
      for (let at = sourceText.indexOf(citation.quote); at !== -1; at = sourceText.indexOf(citation.quote, at + 1)) {
        const end = at + citation.quote.length;
        if (privatePassages.some(([s, e]) => at < e && s < end)) return true;
      }
      return false;
    });
    expect(overlapping.map((c) => `${c.file} ${c.key}`)).toEqual([]);
  });

  it('no number of a passage about a private person (an age…) appears in the seed files', () => {
    const leaks: string[] = [];
    for (const m of sourceText.matchAll(/[^。！？；\n“”\s]+/g)) {
      if (!m[0].includes(MARK)) continue;
      for (const n of scanNumbers(m[0])) {
        const withWord = m[0].slice(n.start, n.end + 1); // the number and its measure word: 74岁
        for (const file of seedFiles) if (readFileSync(file, 'utf8').includes(withWord)) leaks.push(relative(root, file));
      }
    }
    expect(leaks).toEqual([]);
  });

  it('no record of the dataset carries the redaction mark (only the source note explains it)', () => {
    const files = seedFiles.filter((f) => f.endsWith('.json') && !f.endsWith('sources.json'));
    expect(files.length).toBeGreaterThan(5);
    expect(files.filter((f) => readFileSync(f, 'utf8').includes(MARK)).map((f) => relative(root, f))).toEqual([]);
  });
});
