import type { Database } from '../../db/connection.js';
import { rootPageQuery, toPage, type ListQuery, type Page } from '../../graphql/relay/keyset.js';
import type { PageRequest } from '../../graphql/relay/pageArgs.js';

type Row = Record<string, unknown>;

// Every row: rootPageQuery's LIMIT is this plus one, which no table reaches.
export const EVERY_ROW = { size: Number.MAX_SAFE_INTEGER - 1, cursor: null, backward: false } as const;

/**
 * A list's rows in its own order, batch by batch, never all at once. PostgreSQL reads one statement
 * through a cursor (one snapshot, one sort); PGlite, with one connection that a cursor would hold for as
 * long as a client reads, reads keyset pages: each batch starts after the last row of the one before
 * (the list's order ends on a unique key), so no batch costs more than the first.
 */
export async function* rowBatches(db: Database, list: ListQuery, batchSize: number): AsyncGenerator<Row[]> {
  if (db.stream) {
    // No cursor is read from these rows, so the sort keys are not selected.
    yield* db.stream<Row>(rootPageQuery({ ...list, cursors: false }, EVERY_ROW), batchSize);
    return;
  }
  let cursor: string | null = null;
  for (;;) {
    const request: PageRequest = { size: batchSize, cursor, backward: false };
    const page: Page<Row> = toPage<Row>(list, request, await db.rows(rootPageQuery(list, request)));
    if (page.rows.length) yield page.rows.map((entry) => entry.row);
    if (!page.hasNextPage) return;
    cursor = page.rows.at(-1)!.cursor;
  }
}
