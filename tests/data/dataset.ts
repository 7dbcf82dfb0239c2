/** Shared loading for the dataset tests: the seed files and the redacted source text, read straight from disk. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const seedsDir = join(root, 'seeds');
export const sourceSlug = 'dadukou-2023-livelihood';
export const sourceTextPath = join(seedsDir, 'sources', `${sourceSlug}.txt`);

// Loosely typed on purpose: the schema test checks the shapes, the other tests read fields.
export type Rec = Record<string, any>;

export function readSeed(name: string): Rec[] {
  const data = JSON.parse(readFileSync(join(seedsDir, name), 'utf8'));
  if (!Array.isArray(data)) throw new Error(`seeds/${name} must hold a JSON array`);
  return data;
}

export const sourceText = readFileSync(sourceTextPath, 'utf8');
export const sources = readSeed('sources.json');
export const divisions = readSeed('divisions.json');
export const organizations = readSeed('organizations.json');
export const facilities = readSeed('facilities.json');
export const programs = readSeed('programs.json');
export const indicators = readSeed('indicators.json');
export const observations = readSeed('observations.json');

export interface Citation {
  source: string;
  quote: string;
}
export interface CitedBy {
  file: string;
  key: string;
  citation: Citation;
}

/** Every citation of every seed file, with the record it belongs to. */
export function allCitations(): CitedBy[] {
  const out: CitedBy[] = [];
  for (const [file, recs, keyField] of [
    ['organizations.json', organizations, 'slug'],
    ['facilities.json', facilities, 'slug'],
    ['programs.json', programs, 'slug'],
  ] as const) {
    for (const r of recs) for (const c of r.citations ?? []) out.push({ file, key: r[keyField], citation: c });
  }
  for (const o of observations) out.push({ file: 'observations.json', key: o.key, citation: o.citation });
  return out;
}

/** Every offset at which needle occurs in haystack (overlapping occurrences included). */
export function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  if (!needle) return found;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/** All files under a directory, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
