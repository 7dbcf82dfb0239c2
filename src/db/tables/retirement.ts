import { sql, type SQL } from 'drizzle-orm';
import { timestamp, type PgTable } from 'drizzle-orm/pg-core';

/**
 * When a record was removed from its seed file; null while it is live. A removed record is retired, not
 * deleted: its row, and so its id, stay (nothing else ever takes them), and putting the record back in its
 * file makes the same row live again (src/db/seed/writeSeeds.ts).
 */
export const retiredAt = () => timestamp('retired_at', { withTimezone: true });

/**
 * `table alias` for a FROM clause, holding only live rows: every list, lookup and search reads a record
 * table through this, so a retired record is found nowhere. A plain subquery, which PostgreSQL pulls up
 * into the query: the plan is the table's with one more condition.
 */
export function liveTableAs(table: PgTable, alias: string): SQL {
  return sql`(select * from ${table} where "retired_at" is null) as ${sql.raw(`"${alias}"`)}`;
}
