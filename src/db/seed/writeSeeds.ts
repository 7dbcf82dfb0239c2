import type { Database } from '../connection.js';
import { write } from '../write.js';
import { keyOf, parentOf, type AnySeedKind, type SeedDataset, type SeedIds } from './kind.js';
import { writeOrder } from './order.js';
import { keepPublishedRecords } from '../records/published.js';
import { retireAbsent, syncChildren, upsertByKey } from './upsert.js';

/** A kind's records in levels, every parent in a level before its children's (divisions, programs); one level without parents. */
function parentsFirst(kind: AnySeedKind, records: unknown[]): unknown[][] {
  if (!kind.parent) return [records];
  const levels: unknown[][] = [];
  const placed = new Set<string>();
  let rest = records;
  while (rest.length) {
    const ready = rest.filter((r) => {
      const p = parentOf(kind, r);
      return p == null || placed.has(p);
    });
    if (ready.length === 0) throw new Error('parent chain does not resolve'); // readSeeds rejects loops first
    ready.forEach((r) => placed.add(keyOf(kind, r)));
    levels.push(ready);
    rest = rest.filter((r) => !ready.includes(r));
  }
  return levels;
}

/** The ids written so far; `allowed`, when given, is every kind a lookup may name (a kind's row sees only what it needs). */
function idsOf(written: Map<string, Map<string, number>>, allowed?: string[]): SeedIds {
  return {
    of: ((kind: string, key: string | null | undefined) => {
      if (allowed && !allowed.includes(kind)) throw new Error(`a seed row looks up ids of "${kind}", which its kind does not list in rowNeeds`);
      const ids = written.get(kind);
      if (!ids) throw new Error(`no ids of seed kind "${kind}" have been written`);
      return key == null ? null : ids.get(key)!;
    }) as SeedIds['of'],
  };
}

/**
 * Writes a validated dataset in one transaction: all of it or nothing. Each kind's rows are written after the
 * kinds they need, its child tables once every kind's rows exist. A record no longer in its file is retired
 * (src/db/tables/retirement.ts); one put back is live again. Returns how many rows changed; the data version
 * is bumped, once, only when something did.
 */
export async function writeSeeds(database: Database, kinds: readonly AnySeedKind[], dataset: SeedDataset): Promise<{ changed: number }> {
  const ordered = writeOrder(kinds);
  const { changed } = await write(database, async (tx) => {
    let changed = 0;
    const written = new Map<string, Map<string, number>>();

    for (const kind of ordered) {
      const ids = new Map<string, number>();
      written.set(kind.name, ids);
      const rowIds = idsOf(written, [kind.name, ...(kind.rowNeeds ?? [])]);
      for (const level of parentsFirst(kind, dataset.records(kind))) {
        const result = await upsertByKey(
          tx,
          kind.table,
          kind.keyColumn,
          level.map((record) => kind.row(record, rowIds)),
        );
        result.ids.forEach((id, key) => ids.set(key, id));
        changed += result.written.size;
      }
    }

    const allIds = idsOf(written);
    for (const kind of ordered) {
      const ids = written.get(kind.name)!;
      for (const children of kind.children ?? []) {
        changed += await syncChildren(
          tx,
          children.table,
          children.parentColumn,
          [...ids.values()],
          children.keyColumns,
          dataset.records(kind).flatMap((record) => children.rows(record, ids.get(keyOf(kind, record))!, allIds)),
        );
      }
    }

    // The records as published, which an edit through the API starts from (src/db/records). Not counted:
    // every field of a record is in its rows, which changed with it.
    for (const kind of ordered) {
      await keepPublishedRecords(
        tx,
        kind.name,
        dataset
          .records(kind)
          .map((record) => ({ key: keyOf(kind, record), record, text: kind.textFile ? (dataset.textOf(keyOf(kind, record)) ?? null) : null })),
      );
    }

    // Records no longer in their files are retired (after the upserts, which make restored ones live again).
    for (const kind of [...ordered].reverse()) {
      changed += await retireAbsent(
        tx,
        kind.table,
        kind.keyColumn,
        dataset.records(kind).map((record) => keyOf(kind, record)),
      );
    }

    return { changed, value: undefined };
  });
  return { changed };
}
