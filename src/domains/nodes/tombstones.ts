import DataLoader from 'dataloader';
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { publishedRecords } from '../../db/tables/index.js';
import { col, columnsOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import type { RowsByKey } from '../../graphql/domain.js';
import { loadRowsBy } from '../../graphql/relay/load.js';

/**
 * Tombstones: a retired record is in no list, lookup, search or aggregate (they read liveTableAs), but
 * `node(id:)` still answers it, with `retiredAt` set, so that a syncing client sees it go. These loaders
 * are for `node` alone.
 */

export const RETIRED_AT_DESCRIPTION =
  'When the record was retired: it is in no list, search or aggregate any more; `node(id:)` still answers it, so that syncing clients see it go. Null while the record is live.';
export const RETIREMENT_DESCRIPTION =
  'Why the record was retired, as given when it was retired through the API; null while it is live, and for a record retired by leaving its seed file.';

/**
 * A record table's rows by its natural key column (`facilities.slug`), retired rows too: what `node(id:)`
 * loads. The rows have the shape the live loaders give (every stored column, as row properties).
 */
export function rowsByKeyEvenRetired(table: PgTable, keyColumn: AnyPgColumn): (context: Context) => RowsByKey<string> {
  const property = Object.entries(getTableColumns(table)).find(([, column]) => column === keyColumn)?.[0];
  if (!property) throw new Error(`${keyColumn.name} is not a column of the table it is given with.`);
  const alias = 'n';
  const select = { columns: columnsOf(table, alias), from: tableAs(table, alias) };
  const shape = `node:${getTableName(table)}.${property}`;
  return (context) => loadRowsBy<string, Record<string, unknown>>(context, shape, select, col(alias, keyColumn.name), (row) => String(row[property]));
}

/**
 * The reason a retired record was given (published_records.retired_reason for its seed kind and key),
 * batched per request; null without a statement for a live record.
 */
export function retirementOf(context: Context, kind: string, key: string, retiredAt: Date | string | null): Promise<string | null> | null {
  if (retiredAt == null) return null;
  return context.loaders
    .get('retirement.reason', () => new DataLoader<string, string | null>((ids) => loadReasons(context, ids)))
    .load(JSON.stringify([kind, key]));
}

async function loadReasons(context: Context, ids: readonly string[]): Promise<(string | null)[]> {
  const pairs = ids.map((id) => JSON.parse(id) as [string, string]);
  const rows = await context.db.rows<{ kind: string; key: string; reason: string | null }>(
    sql`select ${publishedRecords.kind} as "kind", ${publishedRecords.key} as "key", ${publishedRecords.retiredReason} as "reason"
        from ${publishedRecords} where (${publishedRecords.kind}, ${publishedRecords.key}) in (${sql.join(
          pairs.map(([kind, key]) => sql`(${kind}, ${key})`),
          sql`, `,
        )})`,
  );
  const reasons = new Map(rows.map((row) => [JSON.stringify([row.kind, row.key]), row.reason]));
  return ids.map((id) => reasons.get(id) ?? null);
}

/** A row's retired_at as a Date (rows read with raw SQL carry PostgreSQL's text of it); null while live. */
export function retiredAtOf(retiredAt: Date | string | null): Date | null {
  return retiredAt == null ? null : new Date(retiredAt);
}
