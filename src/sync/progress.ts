import type { RecordKind } from './records.js';

/** What one sync did. */
export interface SyncReport {
  /** `full`: every list read at one data version; `incremental`: the changes since the cursor, from the feed. */
  mode: 'full' | 'incremental';
  /** The mirror holds every change up to this data version. */
  dataVersion: number;
  /** Entries of the change feed read. */
  changesRead: number;
  /** Records read from the server (list nodes, and `nodes(ids:)` answers). */
  recordsFetched: number;
  /** Records the mirror now holds as tombstones that this sync wrote. */
  tombstonesWritten: number;
}

/** The step whose local transaction is about to commit. */
export type SyncStep = { phase: 'list'; kind: RecordKind['name'] } | { phase: 'tombstones' } | { phase: 'feed'; changes: number };

/** A seam for tests: called in each local transaction before it commits; a throw rolls the step back. */
export interface SyncHooks {
  beforeCommit?(step: SyncStep): void | Promise<void>;
}
