import { sql } from 'drizzle-orm';
import type { Database } from './connection.js';

/** The newest version a statement on history may show: the version a past read is made at, else all of them. */
export const SHOWN_VERSIONS = sql`coalesce(nullif(current_setting('minsheng.as_of', true), '')::bigint, 9223372036854775807)`;

/** The data versions that can be read again: from the first whose state history holds to the newest. */
export interface VersionRange {
  earliest: number;
  newest: number;
}

/** A past read asked for a version outside the range kept. */
export class VersionOutOfRange extends Error {
  constructor(
    readonly asked: number,
    readonly range: VersionRange,
  ) {
    super(
      range.newest < range.earliest
        ? `There is no data version ${asked} to read at: no data has been published yet.`
        : `There is no data version ${asked} to read at: versions ${range.earliest} to ${range.newest} can be read. ` +
            'Use a version an answer named in extensions.dataVersion.',
    );
  }
}

/**
 * Runs a read on the data as it was at a past data version. The history schema keeps every state of every
 * table reads touch (drizzle/0021), and the "as_of" schema has a view of each showing the rows of the version
 * in `minsheng.as_of`: the read runs unchanged, in one read-only transaction whose search path finds those
 * views before the tables. The range is read in the same transaction, so a version just checked is the one read.
 */
export async function readAsOf<T>(db: Database, version: number, read: (db: Database) => Promise<T>): Promise<T> {
  if (!Number.isSafeInteger(version)) throw new VersionOutOfRange(version, await versionRange(db));
  if (!db.readTransaction) throw new Error('A past read needs a database that runs transactions (connect() gives one)');
  // Sent with the BEGIN: the range, and the settings (the views first, the version), which a version outside
  // the range leaves to the rollback.
  const settings = sql`select data_version as newest, history_since as since,
    set_config('search_path', 'as_of, public', true), set_config('minsheng.as_of', ${String(version)}, true) from dataset_state`;
  return db.readTransaction<T, StateRow>(settings, async (inTransaction, [state]) => {
    const range = rangeOf(state);
    if (version < range.earliest || version > range.newest) throw new VersionOutOfRange(version, range);
    return read(inTransaction);
  });
}

type StateRow = { newest: string | number | null; since: string | number | null };

async function versionRange(db: Database): Promise<VersionRange> {
  const [state] = await db.rows<StateRow>(sql`select data_version as newest, history_since as since from dataset_state`);
  return rangeOf(state);
}

const rangeOf = (state: StateRow | undefined): VersionRange => ({
  earliest: Math.max(1, Number(state?.since ?? 0)),
  newest: Number(state?.newest ?? 0),
});
