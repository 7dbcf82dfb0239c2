import type { GraphQLClient } from './client.js';
import type { Mirror } from './mirror.js';
import type { SyncHooks, SyncReport } from './progress.js';
import { feedPage, listPagesAt, recordsAt, type Change } from './reads.js';
import { kindNamed, mirrored, recordKinds } from './records.js';

/**
 * A full sync. Every list is paged at one data version (`@asOf`), read first, so that the pages make one
 * snapshot even while the server is written to. Retired records are in no list: the feed up to that version
 * names them, and they are read as tombstones. The cursor saved is the feed's position after that version.
 * The state is saved last: a full sync cut short leaves none, and the next sync starts over.
 */
export async function syncInFull(client: GraphQLClient, mirror: Mirror, hooks: SyncHooks = {}): Promise<SyncReport> {
  const version = await client.currentDataVersion();
  await mirror.clear();
  let recordsFetched = 0;
  for (const kind of recordKinds) {
    for await (const page of listPagesAt(client, kind, version)) {
      await mirror.write(async (write) => {
        await write.upsert(
          kind,
          page.map((read) => mirrored(kind, read)),
          version,
        );
        await hooks.beforeCommit?.({ phase: 'list', kind: kind.name });
      });
      recordsFetched += page.length;
    }
  }

  let cursor: string | null = null;
  let changesRead = 0;
  let tombstonesWritten = 0;
  for (;;) {
    // Read at the snapshot's version, the feed ends there: its last cursor is where following begins.
    const page = await feedPage(client, cursor, version);
    const unseen = await notMirrored(mirror, page.changes);
    const tombstones = await recordsAt(client, unseen, version);
    const live = tombstones.find((read) => read.retiredAt === null);
    if (live) throw new Error(`${live.id} was live at data version ${version}, yet its list at that version did not have it`);
    await mirror.write(async (write) => {
      await write.upsertReads(tombstones, version);
      await hooks.beforeCommit?.({ phase: 'tombstones' });
    });
    changesRead += page.changes.length;
    recordsFetched += tombstones.length;
    tombstonesWritten += tombstones.length;
    cursor = page.endCursor;
    if (!page.hasNextPage) break;
  }
  await mirror.write((write) => write.saveState({ serverUrl: client.url, cursor, dataVersion: version }));
  return { mode: 'full', dataVersion: version, changesRead, recordsFetched, tombstonesWritten };
}

/** The changes of records the mirror does not hold yet. */
async function notMirrored(mirror: Mirror, changes: readonly Change[]): Promise<Change[]> {
  const unseen: Change[] = [];
  for (const kind of recordKinds) {
    const ofKind = changes.filter((change) => kindNamed.get(change.kind) === kind);
    if (ofKind.length === 0) continue;
    const held = await mirror.holds(
      kind,
      ofKind.map((change) => change.id),
    );
    unseen.push(...ofKind.filter((change) => !held.has(change.id)));
  }
  return unseen;
}
