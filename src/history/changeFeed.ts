import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import type { AnySeedKind } from '../db/seed/kind.js';
import { historyTable, operationOf, type ChangeOperation } from './recordHistory.js';
import { SHOWN_VERSIONS } from '../db/pastRead.js';
import { fromOpaque, toOpaque } from '../graphql/opaqueText.js';

/** One published change of one record, as the change feed lists it. */
export interface ChangeEntry {
  kind: AnySeedKind;
  key: string;
  revision: number;
  operation: ChangeOperation;
  dataVersion: number;
  at: Date | null;
  /** Where the feed resumes after this change (opaque to clients), and the position it names. */
  cursor: string;
  position: Position;
}

/** A position in the feed: after this data version, and within it after this kind (its order) and record id. */
export interface Position {
  version: number;
  kindOrder: number;
  id: number;
}

export const START: Position = { version: 0, kindOrder: -1, id: 0 };

/** The position after every change of `version` and before: where a stream asked for new changes only begins. */
export const after = (version: number): Position => ({ version, kindOrder: 999, id: 0 });

export function cursorOf(position: Position): string {
  return toOpaque(`changes:${position.version}:${position.kindOrder}:${position.id}`);
}

/** The position a cursor names, or undefined when it is not one this feed made. */
export function positionOf(cursor: string | null | undefined): Position | undefined {
  if (cursor === null || cursor === undefined) return START;
  const match = /^changes:(\d{1,15}):(\d{1,3}):(\d{1,10})$/.exec(fromOpaque(cursor));
  return match ? { version: Number(match[1]), kindOrder: Number(match[2]), id: Number(match[3]) } : undefined;
}

interface ChangeRow {
  kind_order: number;
  id: number;
  key: string;
  revision: number;
  version: string | number;
  at: string | Date | null;
  retired: boolean;
  before_retired: boolean | null;
  first: boolean;
}

/**
 * The next `first` changes after `after`, in data-version order (within a version by kind, then record), of
 * the kinds given: every create, update, retirement and restoration, read from the history of each kind's
 * table (drizzle/0021). One statement; each kind's part is cut to the page before they are merged.
 */
export async function changesAfter(
  db: Database,
  kinds: readonly AnySeedKind[],
  wanted: (kind: AnySeedKind) => boolean,
  after: Position,
  first: number,
): Promise<{ changes: ChangeEntry[]; hasNextPage: boolean }> {
  // A kind's place in `kinds` orders the changes of one version, in cursors too: `wanted` narrows, never renumbers.
  const parts = kinds.flatMap((kind, kindOrder) => {
    if (!wanted(kind)) return [];
    const { twin, key } = historyTable(kind);
    return sql`(
      select ${kindOrder}::int as kind_order, h."id", h.${key} as key, h."revision", h."valid_from" as version, v."at",
        h."retired_at" is not null as retired, p."retired_at" is not null as before_retired, p."id" is null as first
      from ${twin} as h
      left join ${twin} as p on p."id" = h."id" and p."valid_to" = h."valid_from"
      left join "history"."versions" as v on v."version" = h."valid_from"
      where h."valid_from" >= ${after.version} and (h."valid_from", ${kindOrder}::int, h."id") > (${after.version}::bigint, ${after.kindOrder}::int, ${after.id}::int)
        and h."valid_from" <= ${SHOWN_VERSIONS}
      order by h."valid_from", h."id"
      limit ${first + 1}
    )`;
  });
  if (parts.length === 0) return { changes: [], hasNextPage: false };
  const rows = await db.rows<ChangeRow>(
    sql`select * from (${sql.join(parts, sql` union all `)}) as changes order by version, kind_order, id limit ${first + 1}`,
  );
  const changes = rows.slice(0, first).map((row): ChangeEntry => {
    const kindOrder = Number(row.kind_order);
    const version = Number(row.version);
    return {
      kind: kinds[kindOrder]!,
      key: row.key,
      revision: Number(row.revision),
      operation: operationOf({ revision: Number(row.revision), retired: row.retired, before: row.first ? null : { retired: row.before_retired === true } }),
      dataVersion: version,
      at: row.at === null ? null : new Date(row.at),
      cursor: cursorOf({ version, kindOrder, id: Number(row.id) }),
      position: { version, kindOrder, id: Number(row.id) },
    };
  });
  return { changes, hasNextPage: rows.length > first };
}
