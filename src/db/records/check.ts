import { citedKind, keyOf, parentOf, type AnySeedKind } from '../seed/kind.js';
import type { Transaction } from '../write.js';
import { liveIds, liveIdsByKind, publishedIn, withPublished, type KindsByName } from './lookups.js';
import { publishedRecords } from '../tables/index.js';

/** Why a record cannot be written; `field` is the path in the record ("citations.0.quote"). */
export type ProblemCode =
  | 'INVALID'
  | 'UNKNOWN_REFERENCE'
  | 'QUOTE_NOT_IN_SOURCE'
  | 'CONTRADICTS_QUOTE'
  | 'PARENT_LOOP'
  | 'ALREADY_EXISTS'
  | 'STILL_NAMED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN';

export interface RecordProblem {
  field: string[];
  code: ProblemCode;
  message: string;
}

/** The problems in one line (`citations.0.quote: does not occur …; …`), as the audit log keeps them. */
export const describeProblems = (problems: RecordProblem[]) => problems.map((p) => `${p.field.join('.') || '(record)'}: ${p.message}`).join('; ');

export type Checked<R> = { record: R; problems?: undefined } | { record?: undefined; problems: RecordProblem[] };

const fieldPath = (field: string) => (field === '(record)' ? [] : field.split('.'));

/** A seed kind's check message (`field "links.0": links … twice`) as a problem. */
function fromCheckMessage(message: string, code: ProblemCode): RecordProblem {
  const match = /^field "([^"]+)": ([\s\S]*)$/.exec(message);
  return match ? { field: fieldPath(match[1]!), code, message: match[2]! } : { field: [], code, message };
}

// A parent chain longer than this is refused as if it looped: the divisions and programs are a few levels deep.
const MAX_PARENT_DEPTH = 32;

/**
 * Checks a whole record as the seed loader checks a record of its file, against what is published: its shape
 * and vocabularies, the live records it names, its quotes verbatim in its sources' texts, its kind's own
 * checks, no parent loop, then its content against its quotes (a figure's value and hedge). `text` is a
 * source's document, which its kind requires.
 */
export async function checkRecord<R>(tx: Transaction, kinds: KindsByName, kind: AnySeedKind, input: unknown, text: string | null): Promise<Checked<R>> {
  const parsed = kind.record.safeParse(input);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((issue) => ({ field: issue.path.map(String), code: 'INVALID', message: issue.message })) };
  }
  const record = parsed.data as R;
  const problems: RecordProblem[] = [];
  if (kind.textFile && !text)
    problems.push({ field: ['text'], code: 'INVALID', message: `a ${kind.noun} needs its text, which the quotes citing it are checked against` });

  const references = [...(kind.parent ? [{ field: kind.parent, kind: kind.name, key: parentOf(kind, record) }] : []), ...(kind.references?.(record) ?? [])];
  const cited = kind.citations?.(record) ?? [];
  const named = new Map<string, string[]>();
  for (const reference of [...references, ...cited.map((c) => ({ field: `${c.field}.source`, kind: citedKind, key: c.citation.source }))]) {
    if (reference.key != null) named.set(reference.kind, [...(named.get(reference.kind) ?? []), reference.key]);
  }
  const live = await liveIdsByKind(tx, kinds, named);
  for (const reference of references) {
    if (reference.key != null && !live.get(reference.kind)!.has(reference.key)) {
      problems.push({
        field: fieldPath(reference.field),
        code: 'UNKNOWN_REFERENCE',
        message: `no ${kinds.get(reference.kind)!.noun} ${JSON.stringify(reference.key)} is published`,
      });
    }
  }

  const checked = await withPublished(tx, kinds, (dataset) => {
    const found: RecordProblem[] = (kind.checks?.(record, dataset) ?? []).map((message) => fromCheckMessage(message, 'INVALID'));
    for (const { field, citation } of cited) {
      const sourceText = dataset.textOf(citation.source);
      if (!live.get(citedKind)?.has(citation.source)) {
        found.push({ field: fieldPath(`${field}.source`), code: 'UNKNOWN_REFERENCE', message: `no source ${JSON.stringify(citation.source)} is published` });
      } else if (sourceText === undefined || !sourceText.includes(citation.quote)) {
        found.push({ field: fieldPath(`${field}.quote`), code: 'QUOTE_NOT_IN_SOURCE', message: `does not occur verbatim in source ${citation.source}` });
      }
    }
    return found;
  });
  problems.push(...checked);

  // A source's new text must still hold every quote that cites it.
  if (kind.textFile && text) {
    const key = keyOf(kind, record);
    for (const citing of await liveCiters(tx, kinds, key)) {
      if (!text.includes(citing.quote)) {
        problems.push({
          field: ['text'],
          code: 'QUOTE_NOT_IN_SOURCE',
          message: `no longer holds the quote that ${citing.noun} ${citing.key} cites (${citing.field})`,
        });
      }
    }
  }

  if (kind.parent && problems.length === 0) {
    const loop = await parentLoop(tx, kind, keyOf(kind, record), parentOf(kind, record));
    if (loop) problems.push({ field: [kind.parent], code: 'PARENT_LOOP', message: `the parent chain loops back to ${JSON.stringify(loop)}` });
  }
  if (problems.length === 0) for (const message of kind.contentChecks?.(record) ?? []) problems.push(fromCheckMessage(message, 'CONTRADICTS_QUOTE'));
  return problems.length ? { problems } : { record };
}

/** Where a record's new chain of parents comes back to it (or runs too deep), or undefined. */
async function parentLoop(tx: Transaction, kind: AnySeedKind, key: string, parent: string | null | undefined): Promise<string | undefined> {
  const seen = new Set([key]);
  for (let at = parent, depth = 0; at != null; depth++) {
    if (seen.has(at) || depth > MAX_PARENT_DEPTH) return at;
    seen.add(at);
    const published = (await publishedIn(tx, kind.name, [at])).get(at);
    at = published ? parentOf(kind, published.record) : null;
  }
  return undefined;
}

/** Every live published record, with its kind: what retiring a record or changing a source's text must not break. */
async function livePublished(tx: Transaction, kinds: KindsByName): Promise<{ kind: AnySeedKind; key: string; record: unknown }[]> {
  const rows = await tx.select({ kind: publishedRecords.kind, key: publishedRecords.key, record: publishedRecords.record }).from(publishedRecords);
  const found: { kind: AnySeedKind; key: string; record: unknown }[] = [];
  for (const kind of kinds.values()) {
    const ofKind = rows.filter((row) => row.kind === kind.name);
    const live = await liveIds(
      tx,
      kinds,
      kind.name,
      ofKind.map((row) => row.key),
    );
    for (const row of ofKind) if (live.has(row.key)) found.push({ kind, key: row.key, record: row.record });
  }
  return found;
}

/** The live records quoting a source, each quote with the field that holds it. */
async function liveCiters(tx: Transaction, kinds: KindsByName, source: string) {
  return (await livePublished(tx, kinds)).flatMap(({ kind, key, record }) =>
    (kind.citations?.(record) ?? [])
      .filter(({ citation }) => citation.source === source)
      .map(({ field, citation }) => ({ noun: kind.noun, key, field, quote: citation.quote })),
  );
}

/** The live records that name this one (by a reference, a parent or a citation), as "facility x (division_code)"; at most ten. */
export async function namedBy(tx: Transaction, kinds: KindsByName, kindName: string, key: string): Promise<string[]> {
  const names: string[] = [];
  for (const { kind, key: naming, record } of await livePublished(tx, kinds)) {
    const fields = [
      ...(kind.parent ? [{ field: kind.parent, kind: kind.name, key: parentOf(kind, record) }] : []),
      ...(kind.references?.(record) ?? []),
      ...(kind.citations?.(record) ?? []).map(({ field, citation }) => ({ field: `${field}.source`, kind: citedKind, key: citation.source })),
    ].filter((reference) => reference.kind === kindName && reference.key === key);
    if (fields.length) names.push(`${kind.noun} ${naming} (${fields.map((reference) => reference.field).join(', ')})`);
  }
  return names.length > 10 ? [...names.slice(0, 10), `${names.length - 10} more`] : names;
}
