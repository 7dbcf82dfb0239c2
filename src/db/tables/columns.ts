import { sql, type SQL } from 'drizzle-orm';
import { integer, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Surrogate primary key: internal only. Public IDs are built from natural keys (slug, code, key). */
export const surrogateId = () => integer('id').primaryKey().generatedAlwaysAsIdentity();

/** A CHECK expression that keeps a text column inside one vocabulary of src/db/vocabulary.ts. */
export function oneOf(column: AnyPgColumn, vocabulary: Record<string, string>): SQL {
  const values = Object.keys(vocabulary)
    .map((value) => `'${value.replace(/'/g, "''")}'`)
    .join(', ');
  return sql`${column} in (${sql.raw(values)})`;
}

/**
 * How many times a record has been written: 1 when it is created, one more at every change that is published
 * (seed or API). An edit names the revision it was made from, so two editors never overwrite each other silently.
 */
export const revision = () => integer('revision').notNull().default(1);
