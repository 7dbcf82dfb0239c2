import { sql } from 'drizzle-orm';
import { citedKind, type AnySeedKind, type SeedDataset, type SeedIds } from '../seed/kind.js';
import type { Transaction } from '../write.js';
import { publishedRecordsOf, type PublishedRecord } from './published.js';

/** The seed kinds by name: what a record names is looked up in its kind's table. */
export type KindsByName = ReadonlyMap<string, AnySeedKind>;

function kindNamed(kinds: KindsByName, name: string): AnySeedKind {
  const kind = kinds.get(name);
  if (!kind) throw new Error(`seed kind "${name}" is not registered`);
  return kind;
}

/**
 * What one transaction has looked up, kept for the rest of it: checking, scoping and writing one record look up
 * the same few keys again and again, and every lookup is a round trip. A write forgets what it changes (forget).
 */
interface Looked {
  ids: Map<string, Map<string, number | null>>;
  records: Map<string, Map<string, PublishedRecord | null>>;
}
const lookedUp = new WeakMap<Transaction, Looked>();

function lookedUpIn(tx: Transaction): Looked {
  let looked = lookedUp.get(tx);
  if (!looked) lookedUp.set(tx, (looked = { ids: new Map(), records: new Map() }));
  return looked;
}

function known<V>(by: Map<string, Map<string, V>>, kind: string): Map<string, V> {
  let map = by.get(kind);
  if (!map) by.set(kind, (map = new Map()));
  return map;
}

/** Forgets what the transaction looked up of a record it is about to change. */
export function forget(tx: Transaction, kind: string, key: string): void {
  const looked = lookedUpIn(tx);
  looked.ids.get(kind)?.delete(key);
  looked.records.get(kind)?.delete(key);
}

/**
 * Lets the rest of the transaction's checks see a record as live and published before it is written (a bulk
 * import's record that later records of its file name). Its id is unknown (-1): forgetAll before writing.
 */
export function assumePublished(tx: Transaction, kind: string, key: string, record: unknown, text: string | null): void {
  const looked = lookedUpIn(tx);
  known(looked.ids, kind).set(key, -1);
  known(looked.records, kind).set(key, { key, record, text });
}

/** Lets the rest of the transaction's checks see a record as live before it is written, as assumePublished, without its content. */
export function assumeLive(tx: Transaction, kind: string, key: string): void {
  known(lookedUpIn(tx).ids, kind).set(key, -1);
}

/** Forgets everything the transaction looked up or assumed. */
export function forgetAll(tx: Transaction): void {
  lookedUp.delete(tx);
}

/** The live rows' ids of a kind, by natural key, for the keys given (those that name a live record). */
export async function liveIds(tx: Transaction, kinds: KindsByName, name: string, keys: readonly string[]): Promise<Map<string, number>> {
  const ids = known(lookedUpIn(tx).ids, name);
  const missing = [...new Set(keys)].filter((key) => !ids.has(key));
  if (missing.length > 0) {
    const kind = kindNamed(kinds, name);
    const list = (await tx
      .select({ id: sql<number>`id`, key: sql<string>`${kind.keyColumn}` })
      .from(kind.table as never)
      .where(sql`"retired_at" is null and ${kind.keyColumn} = any(${sql.param(missing)}::text[])`)) as { id: number; key: string }[];
    for (const key of missing) ids.set(key, null);
    for (const row of list) ids.set(row.key, Number(row.id));
  }
  return new Map(keys.flatMap((key) => (ids.get(key) == null ? [] : [[key, ids.get(key)!] as const])));
}

/** The live ids of several kinds (liveIds of each), by kind: one statement per kind, sent together (one round trip). */
export async function liveIdsByKind(
  tx: Transaction,
  kinds: KindsByName,
  keysByKind: Iterable<readonly [string, Iterable<string>]>,
): Promise<Map<string, Map<string, number>>> {
  return new Map(await Promise.all([...keysByKind].map(async ([name, keys]) => [name, await liveIds(tx, kinds, name, [...keys])] as const)));
}

/** The published records of a kind with these keys (retired ones too), looked up once per transaction. */
export async function publishedIn(tx: Transaction, kind: string, keys: readonly string[]): Promise<Map<string, PublishedRecord>> {
  const records = known(lookedUpIn(tx).records, kind);
  const missing = [...new Set(keys)].filter((key) => !records.has(key));
  if (missing.length > 0) {
    for (const key of missing) records.set(key, null);
    for (const found of await publishedRecordsOf(tx, kind, missing)) records.set(found.key, found);
  }
  return new Map(keys.flatMap((key) => (records.get(key) == null ? [] : [[key, records.get(key)!] as const])));
}

/** Keys asked for, by kind name. */
class Wanted {
  readonly keys = new Map<string, Set<string>>();
  add(kind: string, key: string | null | undefined) {
    if (key == null) return;
    let set = this.keys.get(kind);
    if (!set) this.keys.set(kind, (set = new Set()));
    set.add(key);
  }
  get empty() {
    return this.keys.size === 0;
  }
}

/**
 * Runs `use` with the ids of the live rows it names, looked up in the database. Seed kinds look ids up
 * synchronously (`SeedIds`), so `use` runs twice: once to learn which keys it names, once with their ids.
 */
export async function withIds<T>(tx: Transaction, kinds: KindsByName, use: (ids: SeedIds) => T): Promise<T> {
  const wanted = new Wanted();
  use({ of: ((kind: string, key: string | null | undefined) => (wanted.add(kind, key), key == null ? null : 0)) as SeedIds['of'] });
  const found = await liveIdsByKind(tx, kinds, wanted.keys);
  return use({
    of: ((kind: string, key: string | null | undefined) => {
      if (key == null) return null;
      const id = found.get(kind)?.get(key);
      if (id === undefined) throw new Error(`no live ${kindNamed(kinds, kind).noun} ${JSON.stringify(key)}: check references before writing`);
      return id;
    }) as SeedIds['of'],
  });
}

/**
 * Runs `use` with the published records it asks for by key (live ones only), and the texts of sources, read
 * from the database: the seed kinds' checks read other records synchronously, so `use` runs twice.
 */
export async function withPublished<T>(tx: Transaction, kinds: KindsByName, use: (dataset: SeedDataset) => T): Promise<T> {
  const wanted = new Wanted();
  const unsupported = () => {
    throw new Error('an edit is checked against single records: a seed kind may not read every record of a kind');
  };
  use({ records: unsupported, byKey: (kind, key) => (wanted.add(kind.name, key), undefined), textOf: (key) => (wanted.add(citedKind, key), undefined) });
  // The kinds' statements are sent together (one round trip for the ids, one for the records).
  const live = await liveIdsByKind(tx, kinds, wanted.keys);
  const records = new Map(await Promise.all([...live].map(async ([kind, ids]) => [kind, await publishedIn(tx, kind, [...ids.keys()])] as const)));
  return use({
    records: unsupported,
    byKey: <R>(kind: { name: string }, key: string) => records.get(kind.name)?.get(key)?.record as R | undefined,
    textOf: (key) => records.get(citedKind)?.get(key)?.text ?? undefined,
  });
}
