import { getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DrizzleDatabase } from '../connection.js';
import { storedColumns } from '../sqlParts.js';

type Transaction = Parameters<Parameters<DrizzleDatabase['transaction']>[0]>[0];

/**
 * Inserts rows, or updates the existing row with the same natural key — but only where a value differs,
 * so that loading the same seeds twice writes nothing the second time. Returns natural key → id for
 * every row given, and the ids of the rows it inserted or changed.
 */
export async function upsertByKey<T extends PgTable>(
  tx: Transaction,
  table: T,
  keyColumn: AnyPgColumn,
  rows: T['$inferInsert'][],
): Promise<{ ids: Map<string, number>; written: Set<number> }> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return { ids, written: new Set() };
  const updatableEntries = storedColumns(table).filter(([, c]) => c.name !== 'id' && c.name !== keyColumn.name && c.name !== 'revision');
  const updatable = updatableEntries.map(([, c]) => c);
  const excluded = (c: AnyPgColumn) => sql.raw(`excluded."${c.name}"`);
  const set: Record<string, SQL> = Object.fromEntries(updatableEntries.map(([property, c]) => [property, excluded(c)]));
  // A row that changes is one revision further (src/db/tables/columns.ts), or at the revision its row gives.
  const revision = getTableColumns(table)['revision'];
  if (revision) set['revision'] = rows.some((row) => 'revision' in row) ? sql.raw(`excluded."revision"`) : sql`${revision} + 1`;
  const current = sql.join(
    updatable.map((c) => sql`${c}`),
    sql`, `,
  );
  const incoming = sql.join(updatable.map(excluded), sql`, `);
  const keyProperty = propertyOf(table, keyColumn);
  const keys = rows.map((row) => (row as Record<string, unknown>)[keyProperty] as string);
  // The ids are read by a second statement sent with the first (in order, one round trip): the upsert
  // returns only the rows it changed.
  const [written, found] = (await Promise.all([
    tx
      .insert(table)
      .values(rows as never)
      .onConflictDoUpdate({ target: keyColumn as never, set: set as never, setWhere: sql`(${current}) is distinct from (${incoming})` })
      .returning({ id: sql<number>`id` }),
    tx
      .select({ id: sql<number>`id`, key: sql<string>`${keyColumn}` })
      .from(table as never)
      .where(inArray(keyColumn, keys)),
  ])) as unknown as [{ id: number }[], { id: number; key: string }[]];
  for (const row of found) ids.set(row.key, row.id);
  return { ids, written: new Set(written.map((row) => Number(row.id))) };
}

/** The benchmark's synthetic rows (src/db/synthetic/generate.ts: "syn", "syn-…", source "synthetic") are no seed file's records. */
const isSynthetic = (keyColumn: AnyPgColumn) => sql`(${keyColumn} in ('syn', 'synthetic') or ${keyColumn} like 'syn-%')`;

/**
 * Retires the live rows whose natural key is not among `keys` (their records were removed from the seed
 * file): they stay, with their ids, and leave every list (src/db/tables/retirement.ts). Upserting a key
 * again makes its row live (upsertByKey writes retired_at null). Returns how many rows it retired.
 */
export async function retireAbsent(tx: Transaction, table: PgTable, keyColumn: AnyPgColumn, keys: string[]): Promise<number> {
  const retired = (await tx
    .update(table)
    .set({ retiredAt: sql`now()`, ...(getTableColumns(table)['revision'] ? { revision: sql`"revision" + 1` } : {}) } as never)
    .where(sql`"retired_at" is null and not (${keyColumn} = any(${sql.param(keys)}::text[])) and not ${isSynthetic(keyColumn)}`)
    .returning({ id: sql<number>`id` })) as unknown[];
  return retired.length;
}

/**
 * Makes a parent's child rows (citations, links) exactly the given ones: deletes the others and inserts
 * what is missing, updating only rows whose values differ.
 */
export async function syncChildren<T extends PgTable>(
  tx: Transaction,
  table: T,
  parentColumn: AnyPgColumn,
  parentIds: number[],
  keyColumns: AnyPgColumn[],
  rows: T['$inferInsert'][],
): Promise<number> {
  if (parentIds.length === 0) return 0;
  const tuple = (values: SQL[]) => sql`(${sql.join(values, sql`, `)})`;
  const keyProperties = keyColumns.map((c) => propertyOf(table, c));
  const wanted = rows.map((row) => tuple(keyProperties.map((property) => sql`${(row as Record<string, unknown>)[property]}`)));
  const keep = wanted.length ? sql`and ${tuple(keyColumns.map((c) => sql`${c}`))} not in (${sql.join(wanted, sql`, `)})` : sql``;
  const removing = tx
    .delete(table)
    .where(
      sql`${parentColumn} in (${sql.join(
        parentIds.map((id) => sql`${id}`),
        sql`, `,
      )}) ${keep}`,
    )
    .returning() as unknown as Promise<unknown[]>;
  if (rows.length === 0) return (await removing).length;
  const columns = Object.entries(getTableColumns(table)) as [string, AnyPgColumn][];
  const others = columns.filter(([, c]) => !keyColumns.includes(c));
  const excluded = (c: AnyPgColumn) => sql.raw(`excluded."${c.name}"`);
  const insert = tx.insert(table).values(rows as never);
  // Sent with the delete (in order, one round trip).
  const [removed, written] = (await Promise.all([
    removing,
    others.length
      ? insert
          .onConflictDoUpdate({
            target: keyColumns as never,
            set: Object.fromEntries(others.map(([property, c]) => [property, excluded(c)])) as never,
            setWhere: sql`(${sql.join(
              others.map(([, c]) => sql`${c}`),
              sql`, `,
            )}) is distinct from (${sql.join(
              others.map(([, c]) => excluded(c)),
              sql`, `,
            )})`,
          })
          .returning()
      : insert.onConflictDoNothing().returning(),
  ])) as unknown as [unknown[], unknown[]];
  return removed.length + written.length;
}

function propertyOf(table: PgTable, column: AnyPgColumn): string {
  const entry = Object.entries(getTableColumns(table)).find(([, c]) => c === column);
  if (!entry) throw new Error(`column ${column.name} is not in the table`);
  return entry[0];
}
