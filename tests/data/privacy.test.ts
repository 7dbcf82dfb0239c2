import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARK, originalPath, privateDetails, privateDetailsIn, redactedSpans } from '../support/privateNames.js';
import { allCitations, filesUnder, root, seedsDir, sourceText, sourceTextPath } from './dataset.js';

// privateDetails() throws when the copy differs from the original by more than × marks: report that as a failure
let details: string[] | null = null;
let redactionError: unknown = null;
try {
  details = privateDetails();
} catch (error) {
  redactionError = error;
}
const originalAvailable = details !== null || redactionError !== null;
const seedFiles = filesUnder(seedsDir).filter((p) => p !== sourceTextPath);
// Every text file of the repository but the redacted copy: a private detail must not reach tests, docs or code either.
const skipped = new Set(['node_modules', '.git', '.data', 'scratch']);
const textFilesUnder = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => !skipped.has(name))
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? textFilesUnder(p) : /\.(ico|png|jpe?g|gif|woff2?|gz)$/.test(p) ? [] : [p];
    });
const repositoryFiles = textFilesUnder(root).filter((p) => p !== sourceTextPath);

describe('privacy: private persons are not published', () => {
  it.skipIf(!originalAvailable)(
    'the redacted copy equals the original except at the redacted details (skipped without the original, kept outside the repository)',
    () => {
      expect(redactionError).toBeNull();
      const spans = redactedSpans()!;
      expect(spans.length).toBeGreaterThan(0);
      const original = Array.from(readFileSync(originalPath, 'utf8'));
      const redacted = Array.from(sourceText);
      const rebuilt = [...redacted];
      for (const s of spans) Array.from(s.original).forEach((ch, i) => (rebuilt[s.start + i] = ch));
      expect(rebuilt.join('') === original.join('')).toBe(true);
      for (const s of spans) expect(redacted.slice(s.start, s.start + Array.from(s.original).length).join('')).toBe(MARK.repeat(Array.from(s.original).length));
    },
  );

  it.skipIf(!originalAvailable)(
    'no redacted detail (name, age, health, home) appears in any file of the repository (skipped without the original, kept outside the repository)',
    () => {
      expect(redactionError).toBeNull();
      const original = Array.from(readFileSync(originalPath, 'utf8'));
      // A one-character name (a surname in "×婆婆") is an ordinary character elsewhere (周边, 周周), so it is
      // looked for together with the words that follow it in the original; longer details are looked for alone.
      const needles = new Set<string>();
      for (const s of redactedSpans()!) {
        const len = Array.from(s.original).length;
        needles.add(len > 1 ? s.original : original.slice(s.start, s.start + len + 2).join(''));
      }
      expect(repositoryFiles.length).toBeGreaterThan(50);
      const leaks: string[] = [];
      for (const file of repositoryFiles) {
        const text = readFileSync(file, 'utf8');
        // report the file and the position only: the failure message must not print the detail itself
        for (const n of needles) if (text.includes(n)) leaks.push(`${relative(root, file)} at ${text.indexOf(n)}`);
      }
      expect(leaks).toEqual([]);
    },
  );

  it('the redacted copy states no age, health detail or home of a private person', () => {
    // found by pattern, so this holds without the original: an age (N岁, not a threshold such as 80岁以上), a named
    // residential compound or a building number, a health word in a sentence about one person
    expect(privateDetailsIn(sourceText)).toEqual([]);
  });

  it('no seed file states an age, a health detail or a home of a private person', () => {
    const found = seedFiles.flatMap((file) => privateDetailsIn(readFileSync(file, 'utf8')).map((d) => `${relative(root, file)}: ${d.kind} at ${d.at}`));
    expect(found).toEqual([]);
  });

  it('the detectors find each kind of detail (examples made up for the test)', () => {
    expect(privateDetailsIn('85岁的×××住在幸福家园小区。').map((d) => d.kind)).toEqual(['age', 'home']);
    expect(privateDetailsIn('“×爷爷，您的血压偏高，记得按时吃药。”').map((d) => d.kind)).toEqual(['health']);
    expect(privateDetailsIn('他家住和平路12号3栋2单元。').map((d) => d.kind)).toEqual(['home']);
    expect(privateDetailsIn('A 91-year-old resident.').map((d) => d.kind)).toEqual(['age']);
    // what the report says of services and groups is not about a person
    expect(privateDetailsIn('为老人们量血压、测血糖。向80岁以上老年人发放津贴。走进小区及居民家中。出小区—入小区。')).toEqual([]);
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

  it('no record of the dataset carries the redaction mark (only the source note explains it)', () => {
    const files = seedFiles.filter((f) => f.endsWith('.json') && !f.endsWith('sources.json'));
    expect(files.length).toBeGreaterThan(5);
    expect(files.filter((f) => readFileSync(f, 'utf8').includes(MARK)).map((f) => relative(root, f))).toEqual([]);
  });
});
