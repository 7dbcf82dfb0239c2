import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { citedKind, keyOf, parentOf, type AnySeedKind, type Citation, type SeedDataset, type SeedKind } from './kind.js';
import { writeOrder } from './order.js';

export const defaultSeedsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../seeds');

/** A seed file that cannot be loaded; the message names the file, the record and the field. */
export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Seed data rejected, nothing was written:\n  ${problems.slice(0, 50).join('\n  ')}${problems.length > 50 ? `\n  … and ${problems.length - 50} more` : ''}`,
    );
  }
}

type RecordRef = { file: string; index: number; key: unknown };
const describe = (ref: RecordRef) => `${ref.file}: record ${ref.index + 1} (${JSON.stringify(ref.key ?? null)})`;

/** Every file's records by kind name, as read. */
class RecordsByKind implements SeedDataset {
  private readonly keyed = new Map<string, Map<string, unknown>>();
  /** The cited kind's texts, by key, once crossCheck has read them. */
  readonly texts = new Map<string, string>();

  constructor(
    private readonly kinds: ReadonlyMap<string, AnySeedKind>,
    private readonly all: ReadonlyMap<string, unknown[]>,
  ) {}

  records<R>(kind: Pick<SeedKind<R>, 'name' | 'record'>): R[] {
    const records = this.all.get(kind.name);
    if (!records) throw new Error(`seed kind "${kind.name}" is not registered`);
    return records as R[];
  }

  byKey<R>(kind: Pick<SeedKind<R>, 'name' | 'record'>, key: string): R | undefined {
    let keyed = this.keyed.get(kind.name);
    if (!keyed) {
      const registered = this.kinds.get(kind.name)!;
      keyed = new Map(this.records(kind).map((record) => [keyOf(registered, record), record]));
      this.keyed.set(kind.name, keyed);
    }
    return keyed.get(key) as R | undefined;
  }

  textOf(key: string): string | undefined {
    return this.texts.get(key);
  }
}

/** Reads and validates every seed file of the kinds given; throws one SeedError listing every problem found. */
export function readSeeds(kinds: readonly AnySeedKind[], seedsDir: string = defaultSeedsDir): SeedDataset {
  const ordered = writeOrder(kinds);
  const problems: string[] = [];
  const all = new Map(ordered.map((kind) => [kind.name, readFile(kind, seedsDir, problems)]));
  const dataset = new RecordsByKind(new Map(ordered.map((kind) => [kind.name, kind])), all);
  if (problems.length === 0) problems.push(...crossCheck(ordered, dataset, seedsDir));
  if (problems.length === 0) problems.push(...contentProblems(ordered, dataset));
  if (problems.length) throw new SeedError(problems);
  return dataset;
}

function readFile(kind: AnySeedKind, seedsDir: string, problems: string[]): unknown[] {
  const { file } = kind;
  const full = path.join(seedsDir, file);
  if (!existsSync(full)) {
    problems.push(`${file}: file is missing from ${seedsDir}`);
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    problems.push(`${file}: not valid JSON (${(error as Error).message})`);
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.push(`${file}: must hold a JSON array of records`);
    return [];
  }
  const records: unknown[] = [];
  const seenKeys = new Set<unknown>();
  raw.forEach((item, index) => {
    const key = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[kind.key] : undefined;
    const where = describe({ file, index, key });
    const parsed = kind.record.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? issue.path.join('.') : '(record)';
        problems.push(`${where}: field "${field}": ${issue.message}`);
      }
      return;
    }
    if (seenKeys.has(key)) problems.push(`${where}: duplicate key ${JSON.stringify(key)}`);
    seenKeys.add(key);
    records.push(parsed.data);
  });
  return records;
}

/** References between files, quotes that must occur verbatim in their source's text, each kind's own checks, parent loops. */
function crossCheck(kinds: AnySeedKind[], dataset: RecordsByKind, seedsDir: string): string[] {
  const problems: string[] = [];
  const byName = new Map(kinds.map((kind) => [kind.name, kind]));

  const sources = byName.get(citedKind);
  const sourceTexts = dataset.texts;
  if (sources?.textFile) {
    const textFile = sources.textFile;
    dataset.records(sources).forEach((source, index) => {
      const name = (source as Record<string, string>)[textFile]!;
      const file = path.join(seedsDir, name);
      if (!existsSync(file))
        problems.push(`${describe({ file: sources.file, index, key: keyOf(sources, source) })}: field "${textFile}": ${name} does not exist`);
      else sourceTexts.set(keyOf(sources, source), readFileSync(file, 'utf8'));
    });
  }
  const keysOf = new Map(kinds.map((kind) => [kind.name, new Set(dataset.records(kind).map((record) => keyOf(kind, record)))]));

  function mustQuote(where: string, at: string, citation: Citation) {
    if (!sources) throw new Error(`a seed record cites a source, but no seed kind "${citedKind}" is registered`);
    const text = sourceTexts.get(citation.source);
    if (text === undefined) problems.push(`${where}: field "${at}.source": no ${sources.noun} ${JSON.stringify(citation.source)} in ${sources.file}`);
    else if (!text.includes(citation.quote)) problems.push(`${where}: field "${at}.quote": does not occur verbatim in ${sources.noun} ${citation.source}`);
  }

  for (const kind of kinds) {
    dataset.records(kind).forEach((record, index) => {
      const where = describe({ file: kind.file, index, key: keyOf(kind, record) });
      const parent = kind.parent ? [{ field: kind.parent, kind: kind.name, key: parentOf(kind, record) }] : [];
      for (const reference of [...parent, ...(kind.references?.(record) ?? [])]) {
        const known = keysOf.get(reference.kind);
        if (!known) throw new Error(`seed kind "${kind.name}" refers to "${reference.kind}", which is not registered`);
        if (reference.key != null && !known.has(reference.key))
          problems.push(`${where}: field "${reference.field}": no ${byName.get(reference.kind)!.noun} ${JSON.stringify(reference.key)} in the seeds`);
      }
      for (const problem of kind.checks?.(record, dataset) ?? []) problems.push(`${where}: ${problem}`);
      for (const cited of kind.citations?.(record) ?? []) mustQuote(where, cited.field, cited.citation);
    });
  }
  for (const kind of kinds) {
    if (kind.parent) problems.push(...loops(dataset.records(kind), kind));
  }
  return problems;
}

/** Records whose chain of parents comes back to itself. */
function loops(records: unknown[], kind: AnySeedKind): string[] {
  const parents = new Map(records.map((record) => [keyOf(kind, record), parentOf(kind, record)]));
  const problems: string[] = [];
  for (const start of parents.keys()) {
    const seen = new Set<string>([start]);
    for (let at = parents.get(start); at != null; at = parents.get(at)) {
      if (seen.has(at)) {
        problems.push(`${kind.file}: record ${JSON.stringify(start)}: field "${kind.parent}": the parent chain loops back to ${JSON.stringify(at)}`);
        break;
      }
      seen.add(at);
    }
  }
  return problems;
}

/** What each record's content must agree with in its own quotes (src/db/seed/validate.ts for figures). */
function contentProblems(kinds: AnySeedKind[], dataset: RecordsByKind): string[] {
  return kinds.flatMap((kind) =>
    kind.contentChecks
      ? dataset
          .records(kind)
          .flatMap((record, index) =>
            kind.contentChecks!(record).map((problem) => `${describe({ file: kind.file, index, key: keyOf(kind, record) })}: ${problem}`),
          )
      : [],
  );
}
