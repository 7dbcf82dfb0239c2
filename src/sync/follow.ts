import { RequestFailed, type GraphQLClient } from './client.js';
import type { Mirror, SyncState } from './mirror.js';
import type { SyncHooks, SyncReport } from './progress.js';
import { feedPage, recordsAt, type FeedPage } from './reads.js';

/** The server refused the mirror's feed cursor: the mirror must be made again with a full sync. */
export class CursorRefused extends Error {
  constructor(serverUrl: string, cause: RequestFailed) {
    super(`${serverUrl} does not know this mirror's feed cursor (${cause.message}); sync in full again (--full).`, { cause });
  }
}

/**
 * Keeps up from the feed, page by page: the records a page names are read in batches at the page's newest
 * data version (`@asOf`), so no record is newer than the cursor saved with it, and written with that cursor
 * in one local transaction. A sync cut short re-applies the page it was on; it never skips one.
 */
export async function followFeed(client: GraphQLClient, mirror: Mirror, state: SyncState, hooks: SyncHooks = {}): Promise<SyncReport> {
  const report: SyncReport = { mode: 'incremental', dataVersion: state.dataVersion, changesRead: 0, recordsFetched: 0, tombstonesWritten: 0 };
  let cursor = state.cursor;
  for (;;) {
    const page = await nextPage(client, cursor);
    const newest = page.changes.at(-1)?.dataVersion;
    if (newest === undefined) break;
    // Several changes of one record in a page are one read of its state at the newest of them.
    const reads = await recordsAt(client, page.changes, newest);
    await mirror.write(async (write) => {
      await write.upsertReads(reads, newest);
      await write.saveState({ serverUrl: client.url, cursor: page.endCursor, dataVersion: newest });
      await hooks.beforeCommit?.({ phase: 'feed', changes: page.changes.length });
    });
    cursor = page.endCursor;
    report.dataVersion = newest;
    report.changesRead += page.changes.length;
    report.recordsFetched += reads.length;
    report.tombstonesWritten += reads.filter((read) => read.retiredAt !== null).length;
    if (!page.hasNextPage) break;
  }
  return report;
}

async function nextPage(client: GraphQLClient, cursor: string | null): Promise<FeedPage> {
  try {
    return await feedPage(client, cursor);
  } catch (error) {
    if (error instanceof RequestFailed && error.cursorRefused) throw new CursorRefused(client.url, error);
    throw error;
  }
}
