import { sql } from 'drizzle-orm';
import type { Database } from './connection.js';
import { datasetState } from './tables/index.js';
import { inTurn } from './writeTurns.js';

/** The transaction a write runs in. */
export type Transaction = Parameters<Parameters<Database['drizzle']['transaction']>[0]>[0];

/** What a write did: how many rows it changed, and what it returns to its caller. */
export interface WriteOutcome<T> {
  changed: number;
  value: T;
}

/**
 * The one way data is written (seeding, the synthetic generator, and next the API's mutations): the work
 * runs in one transaction, all of it or nothing; when it changed any row, what is derived from the data
 * follows in the same transaction (dataChanged) and the data version is bumped, once.
 */
export async function write<T>(db: Database, work: (tx: Transaction) => Promise<WriteOutcome<T>>): Promise<WriteOutcome<T>> {
  // Writes take turns in this process, on connections of their own (writeTurns.ts).
  return inTurn(db.drizzle, (drizzle) =>
    drizzle.transaction(async (tx) => {
      // Writes take their turn before they lock any record: the version a write makes is taken by its first
      // row written (drizzle/0021), so two writes locking records in different orders could otherwise deadlock.
      // The work's first statements are sent behind the lock's, in order, without waiting for its answer: they
      // run as soon as the lock is granted. When the lock is not granted, its error is the one thrown.
      const [, outcome] = await Promise.all([tx.execute(sql`select 1 from ${datasetState} for update`), work(tx)]);
      if (outcome.changed > 0) await dataChanged(tx);
      return outcome;
    }),
  );
}

/**
 * Brings up to date what is derived from the figures (the yearly totals aggregates read: drizzle/0019 recomputes
 * only the totals of the figures this transaction wrote, which triggers recorded) and bumps the data version
 * that caches and ETags key on. In the write's transaction: readers see the old totals until it commits.
 * Exported for tests that write rows by hand inside their own transaction.
 */
export async function dataChanged(tx: Transaction): Promise<void> {
  // The totals, then the version this transaction's first written row took (drizzle/0021) or one taken now:
  // one statement, one round trip while the writes wait their turn.
  await tx.execute(sql`select refresh_observation_totals(), minsheng_writing_version()`);
}

/**
 * Makes the rows a transaction will write (and roll back) carry the next data version without taking it:
 * a read with drafts applied waits for no write, and no write waits for it.
 */
export async function writeWithoutVersion(tx: Transaction): Promise<void> {
  await tx.execute(
    sql`select set_config('minsheng.writing_version', (coalesce((select ${datasetState.dataVersion} from ${datasetState}), 0) + 1)::text, true)`,
  );
}

/** Recomputes the yearly totals of the figures this transaction wrote (drizzle/0019; nothing when it wrote none). */
export async function refreshTotals(tx: Transaction): Promise<void> {
  await tx.execute(sql`select refresh_observation_totals()`);
}

/**
 * A transaction seen as a Database, for code written against one (the read path): every statement runs in
 * the transaction, on its one connection. Statements are not cancelled one by one here: the transaction
 * ends with its caller.
 */
export function transactionDatabase(tx: Transaction, kind: Database['kind']): Database {
  return {
    kind,
    drizzle: tx as unknown as Database['drizzle'],
    async rows<Row>(query: Parameters<Database['rows']>[0]) {
      // PGlite answers `{ rows }`, postgres.js an array of rows.
      const result = (await tx.execute(query)) as unknown as Row[] | { rows: Row[] };
      return Array.isArray(result) ? result : result.rows;
    },
    close: async () => {},
  };
}
