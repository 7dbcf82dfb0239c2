import { checkRecord, type RecordProblem } from '../db/records/check.js';
import type { KindsByName } from '../db/records/lookups.js';
import { retireRecord, writeRecord, type RecordState } from '../db/records/write.js';
import type { AnySeedKind } from '../db/seed/kind.js';
import type { Transaction } from '../db/write.js';
import type { DraftRow } from './draftStore.js';

/**
 * Why the draft no longer fits its record as it is now (`state`, from lockRecord), or undefined when it does:
 * a create whose key was taken since, a change to a record that moved on from the draft's base revision.
 */
export function draftConflict(kind: AnySeedKind, draft: DraftRow, state: RecordState | undefined): string | undefined {
  if (draft.operation === 'create') return state ? `a ${kind.noun} ${JSON.stringify(draft.key)} was created since this draft was made` : undefined;
  if (!state || state.retired || state.revision !== draft.baseRevision) {
    return (
      `the ${kind.noun} changed since this draft was made from revision ${draft.baseRevision}: it is at ` +
      `${state?.retired ? 'retired ' : ''}revision ${state?.revision}; propose the change again from it`
    );
  }
  return undefined;
}

/**
 * Writes what the draft says to its record, which fits it (draftConflict): the record's new revision, or why
 * it cannot be written. What it names may have been retired since it was proposed, so it is checked again, as
 * the data is now. The same for publishing a draft and for reading with drafts applied (draftPreview.ts).
 */
export async function applyDraft(
  tx: Transaction,
  kinds: KindsByName,
  kind: AnySeedKind,
  draft: DraftRow,
  state: RecordState | undefined,
): Promise<{ revision: number; problems?: undefined } | { problems: RecordProblem[] }> {
  if (draft.operation === 'retire') return writeDraft(tx, kinds, kind, draft, state, null);
  const checked = await checkRecord(tx, kinds, kind, draft.record, draft.text);
  if (checked.problems) return { problems: checked.problems };
  return writeDraft(tx, kinds, kind, draft, state, checked.record);
}

/**
 * Writes a draft checked whole in this very transaction, its record still locked (a publisher's own change,
 * published at once): the record's new revision.
 */
export function applyCheckedDraft(
  tx: Transaction,
  kinds: KindsByName,
  kind: AnySeedKind,
  draft: DraftRow,
  state: RecordState | undefined,
): Promise<{ revision: number }> {
  return writeDraft(tx, kinds, kind, draft, state, draft.record);
}

/** The record written as the draft says (a retirement, or `record`), one revision further. */
async function writeDraft(
  tx: Transaction,
  kinds: KindsByName,
  kind: AnySeedKind,
  draft: DraftRow,
  state: RecordState | undefined,
  record: unknown,
): Promise<{ revision: number }> {
  const revision = (state?.revision ?? 0) + 1;
  if (draft.operation === 'retire') await retireRecord(tx, kind, state!, draft.key, draft.reason ?? '');
  else await writeRecord(tx, kinds, kind, record, draft.text, revision);
  return { revision };
}
