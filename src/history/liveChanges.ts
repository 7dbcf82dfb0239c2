import type { Database } from '../db/connection.js';
import type { AnySeedKind } from '../db/seed/kind.js';
import { changesAfter, type ChangeEntry, type Position } from './changeFeed.js';

/** Changes read per statement while a live stream catches up. */
const CATCH_UP_PAGE = 100;

/**
 * The change feed as it happens: the changes after `from`, then each new one as its data version commits.
 * It reads the same feed as `changes(after:)` (so a stream and a page never disagree), woken by `nextChange`
 * (LISTEN/NOTIFY through the data version watcher, on whichever instance published); it ends when `signal` aborts.
 */
export async function* liveChanges(
  db: Database,
  kinds: readonly AnySeedKind[],
  wanted: (kind: AnySeedKind) => boolean,
  from: Position,
  nextChange: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): AsyncGenerator<ChangeEntry> {
  let position = from;
  // Listen before reading: a version committed while a page is read still wakes the next round. One wait
  // at a time: catching up over many pages adds no waiter per page.
  let woken = nextChange(signal);
  while (!signal.aborted) {
    const { changes, hasNextPage } = await changesAfter(db, kinds, wanted, position, CATCH_UP_PAGE);
    for (const change of changes) {
      if (signal.aborted) return;
      yield change;
      position = change.position;
    }
    if (!hasNextPage) {
      await woken;
      woken = nextChange(signal);
    }
  }
}
