import type { Database } from '../db/connection.js';
import { describeProblems } from '../db/records/check.js';
import type { KindsByName } from '../db/records/lookups.js';
import { lockRecord } from '../db/records/write.js';
import { refreshTotals, transactionDatabase, writeWithoutVersion } from '../db/write.js';
import { mayPropose, type Actor } from './actor.js';
import { applyDraft, draftConflict } from './applyDraft.js';
import { pendingDraftsVisibleTo, type DraftRow } from './draftStore.js';
import { EditRefused } from './edits.js';

/** At most this many pending drafts are applied to one read; the answer says how many more there were. */
export const MAX_PREVIEWED_DRAFTS = 100;

interface DraftNamed {
  draft: string;
  kind: string;
  key: string;
  operation: string;
}

/** What a read with drafts was read on: which drafts were applied, which could not be and why. */
export interface DraftsApplied {
  applied: DraftNamed[];
  skipped: (DraftNamed & { reason: string })[];
  /** Pending drafts the caller may see beyond the first MAX_PREVIEWED_DRAFTS, oldest first: not applied. */
  notApplied: number;
}

class ReadDone<T> extends Error {
  constructor(readonly value: T) {
    super('the read with drafts is done; its transaction is rolled back');
  }
}

/** A draft as the answer names it: its kind as the RecordKind enum does (FACILITY), its operation as DraftOperation. */
const named = (kinds: KindsByName, draft: DraftRow): DraftNamed => ({
  draft: String(draft.id),
  kind: kinds.get(draft.kind)?.noun.toUpperCase() ?? draft.kind,
  key: draft.key,
  operation: draft.operation.toUpperCase(),
});

/**
 * Reading with drafts (`query @includeDrafts { … }`): the data as it would be if the pending drafts the caller
 * may review were published. The drafts are applied by the very code that publishes them, in a transaction
 * the read then runs in, and which is always rolled back: nothing is written, audited or versioned, and the
 * public, the caches and every other request see only published data. Each draft is applied in a savepoint,
 * oldest first; one that no longer fits (a conflict, a check that now fails) is skipped and said so.
 */
export class DraftPreview {
  constructor(
    private readonly db: Database,
    private readonly kinds: KindsByName,
  ) {}

  async read<T>(actor: Actor, read: (db: Database, drafts: DraftsApplied) => Promise<T>): Promise<T> {
    if (!mayPropose(actor)) {
      throw actor.anonymous
        ? new EditRefused('UNAUTHENTICATED', 'Reading with drafts (@includeDrafts) needs a key or token with the editor, publisher or admin role.')
        : new EditRefused('FORBIDDEN', `Your role is ${actor.role}; only the editor, publisher and admin roles read with drafts (@includeDrafts).`);
    }
    try {
      await this.db.drizzle.transaction(async (tx) => {
        await writeWithoutVersion(tx);
        const { rows, total } = await pendingDraftsVisibleTo(tx, actor, MAX_PREVIEWED_DRAFTS);
        const drafts: DraftsApplied = { applied: [], skipped: [], notApplied: total - rows.length };
        for (const draft of rows) {
          const reason = await tx
            .transaction(async (savepoint) => {
              const kind = this.kinds.get(draft.kind);
              if (!kind) return `drafts of kind ${draft.kind} are not written by this server`;
              const state = await lockRecord(savepoint, kind, draft.key);
              const stale = draftConflict(kind, draft, state);
              if (stale) return stale;
              const outcome = await applyDraft(savepoint, this.kinds, kind, draft, state);
              if (outcome.problems) throw new DraftDoesNotFit(describeProblems(outcome.problems));
              return undefined;
            })
            .catch((error: unknown) => {
              if (error instanceof DraftDoesNotFit) return error.message;
              throw error;
            });
          if (reason === undefined) drafts.applied.push(named(this.kinds, draft));
          else drafts.skipped.push({ ...named(this.kinds, draft), reason });
        }
        // The yearly totals follow the figures the drafts changed, as a publish's do (src/db/write.ts).
        if (drafts.applied.length) await refreshTotals(tx);
        throw new ReadDone(await read(transactionDatabase(tx, this.db.kind), drafts));
      });
    } catch (error) {
      if (error instanceof ReadDone) return error.value as T;
      throw error;
    }
    throw new Error('unreachable: a read with drafts ends by rolling back');
  }
}

/** A draft whose record fails its checks as the data is now: its savepoint is rolled back. */
class DraftDoesNotFit extends Error {}
