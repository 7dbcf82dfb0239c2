import { sql } from 'drizzle-orm';
import { keyOf, type AnySeedKind } from '../seed/kind.js';
import { syncChildren, upsertByKey } from '../seed/upsert.js';
import type { Transaction } from '../write.js';
import { forget, withIds, type KindsByName } from './lookups.js';
import { keepPublishedRecords, retirePublishedRecord } from './published.js';

/** A record's row as it stands: its revision, and whether it is retired. */
export interface RecordState {
  id: number;
  revision: number;
  retired: boolean;
}

/**
 * The record's row, locked until the transaction ends: two writes to one record wait for each other, so the
 * second sees the first's revision (and conflicts) rather than overwriting it.
 */
export async function lockRecord(tx: Transaction, kind: AnySeedKind, key: string): Promise<RecordState | undefined> {
  const [row] = (await tx
    .select({ id: sql<number>`id`, revision: sql<number>`"revision"`, retired: sql<boolean>`"retired_at" is not null` })
    .from(kind.table as never)
    .where(sql`${kind.keyColumn} = ${key}`)
    .for('update')) as RecordState[];
  return row && { id: Number(row.id), revision: Number(row.revision), retired: row.retired };
}

/** The rows of these records, locked as lockRecord locks one, by natural key (those that exist). */
export async function lockRecords(tx: Transaction, kind: AnySeedKind, keys: readonly string[]): Promise<Map<string, RecordState>> {
  if (keys.length === 0) return new Map();
  const rows = (await tx
    .select({ id: sql<number>`id`, key: sql<string>`${kind.keyColumn}`, revision: sql<number>`"revision"`, retired: sql<boolean>`"retired_at" is not null` })
    .from(kind.table as never)
    .where(sql`${kind.keyColumn} = any(${sql.param([...keys])}::text[])`)
    .for('update')) as (RecordState & { key: string })[];
  return new Map(rows.map((row) => [row.key, { id: Number(row.id), revision: Number(row.revision), retired: row.retired }]));
}

/** A checked record to write, with its source text and the revision it becomes. */
export interface RecordToWrite {
  record: unknown;
  text: string | null;
  revision: number;
}

/**
 * Writes one checked record (src/db/records/check.ts) as its seed kind makes rows of it: its row, its child
 * rows, and the record as published; a retired record put back is live again. Its revision becomes
 * `revision`. Runs inside the caller's write (src/db/write.ts), which maintains what is derived.
 */
export async function writeRecord(
  tx: Transaction,
  kinds: KindsByName,
  kind: AnySeedKind,
  record: unknown,
  text: string | null,
  revision: number,
): Promise<void> {
  await writeRecords(tx, kinds, kind, [{ record, text, revision }]);
}

/**
 * Writes checked records of one kind as writeRecord writes one, a few statements for them all (a bulk import).
 * No record may name another of the same call: the ids it names are looked up before any is written.
 */
export async function writeRecords(tx: Transaction, kinds: KindsByName, kind: AnySeedKind, records: readonly RecordToWrite[]): Promise<void> {
  if (records.length === 0) return;
  const keys = records.map(({ record }) => keyOf(kind, record));
  // Each row carries its revision: a row the upsert writes is at it at once.
  const rows = await withIds(tx, kinds, (ids) => records.map(({ record, revision }) => ({ ...kind.row(record, ids), revision })));
  for (const key of keys) forget(tx, kind.name, key);
  // Statements that need no answer of another are sent together, in order (one round trip while the writes
  // wait their turn): the records as published with the rows, the child rows with the revisions.
  const [{ ids, written }] = await Promise.all([
    upsertByKey(tx, kind.table, kind.keyColumn, rows),
    keepPublishedRecords(
      tx,
      kind.name,
      records.map(({ record, text }, i) => ({ key: keys[i]!, record, text: kind.textFile ? text : null })),
    ),
  ]);
  const idOf = keys.map((key) => ids.get(key)!);
  const childRows: unknown[][] = [];
  for (const children of kind.children ?? [])
    childRows.push(await withIds(tx, kinds, (lookup) => records.flatMap(({ record }, i) => children.rows(record, idOf[i]!, lookup))));
  await Promise.all([
    ...(kind.children ?? []).map((children, i) => syncChildren(tx, children.table, children.parentColumn, idOf, children.keyColumns, childRows[i] as never[])),
    // Only the rows the upsert left as they were (their child rows or published record changed) are still to set.
    setRevisions(
      tx,
      kind,
      idOf.filter((id) => !written.has(id)),
      records.filter((_, i) => !written.has(idOf[i]!)).map(({ revision }) => revision),
    ),
  ]);
}

/** Retires a live record: its row stays, with its id (never given to another record), and leaves every list. */
export async function retireRecord(tx: Transaction, kind: AnySeedKind, state: RecordState, key: string, reason: string): Promise<void> {
  await tx
    .update(kind.table)
    .set({ retiredAt: sql`now()` } as never)
    .where(sql`"id" = ${state.id}`);
  await setRevision(tx, kind, state.id, state.revision + 1);
  await retirePublishedRecord(tx, kind.name, key, reason);
  forget(tx, kind.name, key);
}

// Only rows not already at their revision are updated: a new row is at 1, a changed one one further.
async function setRevisions(tx: Transaction, kind: AnySeedKind, ids: number[], revisions: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(
    sql`update ${kind.table} set "revision" = v.revision from unnest(${sql.param(ids)}::int[], ${sql.param(revisions)}::int[]) as v(id, revision) where ${kind.table}."id" = v.id and ${kind.table}."revision" <> v.revision`,
  );
}

async function setRevision(tx: Transaction, kind: AnySeedKind, id: number, revision: number): Promise<void> {
  await tx
    .update(kind.table)
    .set({ revision } as never)
    .where(sql`"id" = ${id}`);
}
