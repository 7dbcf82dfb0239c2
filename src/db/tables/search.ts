import { sql } from 'drizzle-orm';
import { text } from 'drizzle-orm/pg-core';

/**
 * A generated, GIN-indexed column holding the lower-cased character bigrams of a row's searchable text
 * (minsheng_bigrams() is created by migration 0001). It serves substring search of two characters and
 * more in any script, which pg_trgm (three characters) does not.
 */
export function searchBigrams(...columnNames: string[]) {
  const joined = columnNames.map((name) => `coalesce("${name}", '')`).join(` || ' ' || `);
  return text('search_bigrams')
    .array()
    .notNull()
    .generatedAlwaysAs(sql.raw(`minsheng_bigrams(${joined})`));
}
