import { sql } from 'drizzle-orm';
import { keyOf, type AnySeedKind } from '../seed/kind.js';
import { syncChildren, upsertByKey } from '../seed/upsert.js';
import type { Transaction } from '../write.js';
import { forget, withIds, type KindsByName } from './lookups.js';
import { publishRecord, retirePublishedRecord } from './published.js';

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
  const key = keyOf(kind, record);
  const row = await withIds(tx, kinds, (ids) => kind.row(record, ids));
  forget(tx, kind.name, key);
  const { ids } = await upsertByKey(tx, kind.table, kind.keyColumn, [row]);
  const id = ids.get(key)!;
  for (const children of kind.children ?? []) {
    const rows = await withIds(tx, kinds, (lookup) => children.rows(record, id, lookup));
    await syncChildren(tx, children.table, children.parentColumn, [id], children.keyColumns, rows);
  }
  await setRevision(tx, kind, id, revision);
  await publishRecord(tx, kind.name, { key, record, text: kind.textFile ? text : null });
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

async function setRevision(tx: Transaction, kind: AnySeedKind, id: number, revision: number): Promise<void> {
  await tx
    .update(kind.table)
    .set({ revision } as never)
    .where(sql`"id" = ${id}`);
}
