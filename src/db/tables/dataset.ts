import { sql } from 'drizzle-orm';
import { bigint, boolean, check, pgTable, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row: the data version. Every write (seed, import, mutation) bumps it, so caches and ETags on any
 * instance can tell whether what they hold is current without asking anything but PostgreSQL.
 */
export const datasetState = pgTable(
  'dataset_state',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    dataVersion: bigint('data_version', { mode: 'number' }).notNull().default(0),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The first data version whose state the history schema holds (drizzle/0021): the data as it was when
     * history began to be kept; every version since can be read again (`@asOf`).
     */
    historySince: bigint('history_since', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('dataset_state_singleton_check', sql`${t.singleton}`)],
);
