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
