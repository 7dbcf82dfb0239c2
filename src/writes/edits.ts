import { checkRecord, describeProblems, namedBy, type RecordProblem } from '../db/records/check.js';
import { publishedIn, type KindsByName } from '../db/records/lookups.js';
import { lockRecord, type RecordState } from '../db/records/write.js';
import type { Database } from '../db/connection.js';
import { keyOf, type AnySeedKind } from '../db/seed/kind.js';
import { write, type Transaction } from '../db/write.js';
import { mayPropose, mayPublish, type Actor } from './actor.js';
import { applyCheckedDraft, applyDraft, draftConflict } from './applyDraft.js';
import { appendAudit, appendAudits, type AuditEntry } from './audit.js';
import { decideDraft, insertDraft, lockDraft, pendingDraftOf, type DraftRow } from './draftStore.js';
import { draftOwner, scopeOf } from './scope.js';

/** A change an editor proposes: it becomes a draft, which a publisher publishes or rejects. */
export type Change =
  | { operation: 'create'; kind: string; record: unknown; text?: string | null }
  | { operation: 'update'; kind: string; key: string; changes: Record<string, unknown>; expectedRevision: number; text?: string | null }
  | { operation: 'retire'; kind: string; key: string; reason: string; expectedRevision: number };

/** What an edit came to: a draft (and, once published, the record's new revision), or why nothing was written. */
export type EditResult = { draft: DraftRow; revision?: number; problems?: undefined } | { problems: RecordProblem[]; draft?: undefined; revision?: undefined };

/** The caller may not do this at all (401 when anonymous, 403 otherwise); the message says what would allow it. */
export class EditRefused extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN',
    message: string,
  ) {
    super(message);
  }

  /** The HTTP status it is answered with. */
  get status(): 401 | 403 {
    return this.code === 'UNAUTHENTICATED' ? 401 : 403;
  }
}

/** The outcome of the work inside a transaction, before it is audited and answered. */
type Verdict =
  | { draft: DraftRow; revision?: number; state?: RecordState; proposal?: AuditEntry }
  | { problems: RecordProblem[]; outcome: 'invalid' | 'conflict'; audit: AuditEntry }
  | { refused: string; audit: AuditEntry };

const problem = (code: RecordProblem['code'], field: string[], message: string): RecordProblem[] => [{ field, code, message }];

/** Why a role may not write at all. */
export function roleRefusal(actor: Actor, what: string): EditRefused {
  if (actor.anonymous) {
    return new EditRefused(
      'UNAUTHENTICATED',
      `Only API keys or tokens with the editor, publisher or admin role may ${what}; send one as \`Authorization: Bearer <key>\`.`,
    );
  }
  const may = what === 'propose changes' ? 'editor, publisher or admin' : 'publisher or admin';
  return new EditRefused('FORBIDDEN', `Your role is ${actor.role}; only the ${may} roles may ${what}.`);
}

export class Edits {
  constructor(
    private readonly db: Database,
    private readonly kinds: KindsByName,
  ) {}

  private kind(name: string): AnySeedKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new Error(`seed kind "${name}" is not registered`);
    return kind;
  }

  /** Proposes a change: checked whole against what is published, then kept as a draft the public does not see. */
  async propose(actor: Actor, change: Change): Promise<EditResult> {
    const base: AuditEntry = { operation: change.operation, outcome: 'refused', kind: change.kind, key: 'key' in change ? change.key : undefined };
    if (!mayPropose(actor)) {
      await appendAudit(this.db, actor, { ...base, detail: `role ${actor.anonymous ? 'anonymous' : actor.role}` });
      throw roleRefusal(actor, 'propose changes');
    }
    const kind = this.kind(change.kind);
    let verdict: Verdict;
    try {
      verdict = await this.db.drizzle.transaction(async (tx) => {
        const proposed = await this.draftOf(tx, kind, actor, change, base);
        if ('proposal' in proposed && proposed.proposal) await appendAudit(tx, actor, proposed.proposal);
        return proposed;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another draft of the same record was made at the same moment (drafts_one_pending_idx).
      verdict = {
        problems: problem('CONFLICT', ['key'], 'another change to this record was proposed at the same moment; it is pending review'),
        outcome: 'conflict',
        audit: { ...base, outcome: 'conflict' },
      };
    }
    return this.settle(actor, verdict);
  }

  private async draftOf(tx: Transaction, kind: AnySeedKind, actor: Actor, change: Change, base: AuditEntry): Promise<Verdict> {
    const invalid = (problems: RecordProblem[], entry: Partial<AuditEntry> = {}): Verdict => ({
      problems,
      outcome: problems.some((p) => p.code === 'CONFLICT') ? 'conflict' : 'invalid',
      audit: { ...base, ...entry, outcome: problems.some((p) => p.code === 'CONFLICT') ? 'conflict' : 'invalid', detail: describeProblems(problems) },
    });

    if (change.operation === 'create') {
      const checked = await checkRecord(tx, this.kinds, kind, change.record, change.text ?? null);
      if (checked.problems) return invalid(checked.problems, { after: change.record });
      const key = keyOf(kind, checked.record);
      const audit = { ...base, key };
      if (await lockRecord(tx, kind, key))
        return invalid(problem('ALREADY_EXISTS', [kind.key], `a ${kind.noun} ${JSON.stringify(key)} already exists (retired ones keep their key)`), audit);
      const pending = await pendingDraftOf(tx, kind.name, key);
      if (pending) return invalid(pendingConflict(pending), audit);
      const scope = await scopeOf(tx, this.kinds, actor, kind, [checked.record]);
      if ('refused' in scope) return { refused: scope.refused, audit: { ...audit, after: checked.record } };
      const draft = await insertDraft(tx, {
        kind: kind.name,
        key,
        operation: 'create',
        record: checked.record,
        text: change.text ?? null,
        ...draftOwner(actor, scope.owner),
      });
      return { draft, proposal: { ...audit, outcome: 'proposed', draftId: draft.id, after: checked.record } };
    }

    // Sent together, in this order (one round trip while the writes wait their turn): the record is locked first.
    const [state, pending, published] = await Promise.all([
      lockRecord(tx, kind, change.key),
      pendingDraftOf(tx, kind.name, change.key),
      publishedIn(tx, kind.name, [change.key]),
    ]);
    if (!state || state.retired) return invalid(problem('NOT_FOUND', ['key'], `no live ${kind.noun} ${JSON.stringify(change.key)}`));
    if (state.revision !== change.expectedRevision) return invalid(revisionConflict(state.revision, change.expectedRevision), { revision: state.revision });
    if (pending) return invalid(pendingConflict(pending), { revision: state.revision });
    const before = published.get(change.key);
    if (!before)
      return invalid(
        problem('NOT_FOUND', ['key'], `${kind.noun} ${JSON.stringify(change.key)} has no published record to edit (generated data is not edited)`),
      );

    if (change.operation === 'retire') {
      const scope = await scopeOf(tx, this.kinds, actor, kind, [before.record]);
      if ('refused' in scope) return { refused: scope.refused, audit: { ...base, revision: state.revision } };
      const named = await namedBy(tx, this.kinds, kind.name, change.key);
      if (named.length)
        return invalid(problem('STILL_NAMED', ['key'], `it is still named by ${named.join(', ')}: change those first`), { revision: state.revision });
      const draft = await insertDraft(tx, {
        kind: kind.name,
        key: change.key,
        operation: 'retire',
        reason: change.reason,
        baseRevision: state.revision,
        ...draftOwner(actor, scope.owner),
      });
      return {
        draft,
        state,
        proposal: { ...base, outcome: 'proposed', draftId: draft.id, revision: state.revision, before: before.record, detail: change.reason },
      };
    }

    if (Object.hasOwn(change.changes, kind.key) && change.changes[kind.key] !== change.key) {
      return invalid(problem('INVALID', [kind.key], `a record's key never changes: create a new ${kind.noun} and retire this one`));
    }
    const after = { ...(before.record as Record<string, unknown>), ...change.changes };
    const text = change.text ?? before.text;
    const checked = await checkRecord(tx, this.kinds, kind, after, text);
    if (checked.problems) return invalid(checked.problems, { revision: state.revision, before: before.record, after });
    // The record as it is and as it would be must both be the actor's: no one moves a record into or out of their scope.
    const scope = await scopeOf(tx, this.kinds, actor, kind, [before.record, checked.record]);
    if ('refused' in scope) return { refused: scope.refused, audit: { ...base, revision: state.revision } };
    const draft = await insertDraft(tx, {
      kind: kind.name,
      key: change.key,
      operation: 'update',
      record: checked.record,
      text: kind.textFile ? text : null,
      baseRevision: state.revision,
      ...draftOwner(actor, scope.owner),
    });
    return {
      draft,
      state,
      proposal: { ...base, outcome: 'proposed', draftId: draft.id, revision: state.revision, before: before.record, after: checked.record },
    };
  }

  /**
   * A publisher's own change, published at once: the draft is made and published in one transaction, both steps
   * audited. Only for callers who may publish; an editor's change always waits for review.
   */
  async proposeAndPublish(actor: Actor, change: Change): Promise<EditResult> {
    const base: AuditEntry = { operation: change.operation, outcome: 'refused', kind: change.kind, key: 'key' in change ? change.key : undefined };
    if (!mayPublish(actor)) {
      await appendAudit(this.db, actor, { ...base, detail: `publish at once, role ${actor.anonymous ? 'anonymous' : actor.role}` });
      throw roleRefusal(actor, 'publish changes at once (`publish: true`)');
    }
    const kind = this.kind(change.kind);
    let verdict: Verdict;
    try {
      ({ value: verdict } = await write(this.db, async (tx) => {
        const proposed = await this.draftOf(tx, kind, actor, change, base);
        if (!('draft' in proposed)) return { changed: 0, value: proposed };
        const published = await this.publishProposed(tx, actor, kind, proposed);
        return { changed: 'draft' in published ? 1 : 0, value: published };
      }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      verdict = {
        problems: problem('CONFLICT', ['key'], 'another change to this record was proposed at the same moment; it is pending review'),
        outcome: 'conflict',
        audit: { ...base, outcome: 'conflict' },
      };
    }
    return this.settle(actor, verdict);
  }

  /** Publishes a pending draft: the record is written, its revision goes up by one, and the public sees it at once. */
  async publish(actor: Actor, draftId: number, expectedRevision: number | undefined): Promise<EditResult> {
    const base: AuditEntry = { operation: 'publish', outcome: 'refused', draftId };
    if (!mayPublish(actor)) {
      await appendAudit(this.db, actor, { ...base, detail: `role ${actor.anonymous ? 'anonymous' : actor.role}` });
      throw roleRefusal(actor, 'publish or reject drafts');
    }
    const { value } = await write(this.db, async (tx) => {
      const verdict = await this.publishIn(tx, actor, draftId, expectedRevision, base);
      return { changed: 'draft' in verdict ? 1 : 0, value: verdict };
    });
    return this.settle(actor, value);
  }

  private async publishIn(tx: Transaction, actor: Actor, draftId: number, expectedRevision: number | undefined, base: AuditEntry): Promise<Verdict> {
    const decidable = await this.decidable(tx, actor, draftId, base);
    if ('verdict' in decidable) return decidable.verdict;
    const { draft, kind, audit } = decidable;
    const conflict = (problems: RecordProblem[], revision?: number) => conflictVerdict(audit, problems, revision);

    const state = await lockRecord(tx, kind, draft.key);
    const stale = draftConflict(kind, draft, state);
    if (stale) return conflict(problem('CONFLICT', ['draft'], stale), state?.revision);
    if (expectedRevision !== undefined && (state?.revision ?? 0) !== expectedRevision)
      return conflict(revisionConflict(state?.revision ?? 0, expectedRevision), state?.revision);

    const before = (await publishedIn(tx, kind.name, [draft.key])).get(draft.key);
    const applied = await applyDraft(tx, this.kinds, kind, draft, state);
    if (applied.problems)
      return { problems: applied.problems, outcome: 'invalid', audit: { ...audit, outcome: 'invalid', detail: describeProblems(applied.problems) } };
    return this.published(tx, actor, draft, audit, before?.record, applied.revision);
  }

  /**
   * Publishes the draft this transaction has just made (`publish: true`): the record was checked whole and
   * scoped for this actor a moment ago, and a changed record is still locked as the proposal found it, so
   * none of that is done again.
   */
  private async publishProposed(
    tx: Transaction,
    actor: Actor,
    kind: AnySeedKind,
    { draft, state, proposal }: { draft: DraftRow; state?: RecordState; proposal?: AuditEntry },
  ): Promise<Verdict> {
    const audit: AuditEntry = { operation: 'publish', outcome: 'refused', draftId: draft.id, kind: draft.kind, key: draft.key };
    const proposed = proposal ? [proposal] : [];
    // A creation locked no row: another one of the same key may have been published while this draft was
    // made (its pending draft gone by then), so the key is looked up again, locked.
    if (draft.operation === 'create') {
      const created = await lockRecord(tx, kind, draft.key);
      const stale = draftConflict(kind, draft, created);
      if (stale) {
        await appendAudits(tx, actor, proposed);
        return conflictVerdict(audit, problem('CONFLICT', ['draft'], stale), created?.revision);
      }
    }
    const before = (await publishedIn(tx, kind.name, [draft.key])).get(draft.key);
    const { revision } = await applyCheckedDraft(tx, this.kinds, kind, draft, state);
    return this.published(tx, actor, draft, audit, before?.record, revision, proposed);
  }

  /**
   * The draft marked published at the record's new revision, and the publication audited (after the entries
   * of this transaction's earlier steps, written with it: one round trip).
   */
  private async published(
    tx: Transaction,
    actor: Actor,
    draft: DraftRow,
    audit: AuditEntry,
    before: unknown,
    revision: number,
    earlier: AuditEntry[] = [],
  ): Promise<Verdict> {
    const publication: AuditEntry = { ...audit, outcome: 'published', revision, before, after: draft.record ?? undefined, detail: draft.reason ?? undefined };
    const [decided] = await Promise.all([
      decideDraft(tx, draft.id, { status: 'published', decidedBy: actor.description, publishedRevision: revision }),
      appendAudits(tx, actor, [...earlier, publication]),
    ]);
    return { draft: decided, revision };
  }

  /** Rejects a pending draft with a reason: nothing is written to the record. */
  async reject(actor: Actor, draftId: number, reason: string): Promise<EditResult> {
    const base: AuditEntry = { operation: 'reject', outcome: 'refused', draftId };
    if (!mayPublish(actor)) {
      await appendAudit(this.db, actor, { ...base, detail: `role ${actor.anonymous ? 'anonymous' : actor.role}` });
      throw roleRefusal(actor, 'publish or reject drafts');
    }
    const verdict = await this.db.drizzle.transaction(async (tx): Promise<Verdict> => {
      const decidable = await this.decidable(tx, actor, draftId, base);
      if ('verdict' in decidable) return decidable.verdict;
      const decided = await decideDraft(tx, draftId, { status: 'rejected', decidedBy: actor.description, decisionReason: reason });
      await appendAudit(tx, actor, { ...decidable.audit, outcome: 'rejected', detail: reason });
      return { draft: decided };
    });
    return this.settle(actor, verdict);
  }

  /** The pending draft, locked, if the actor acts for its record. */
  private async decidable(
    tx: Transaction,
    actor: Actor,
    draftId: number,
    base: AuditEntry,
  ): Promise<{ verdict: Verdict } | { draft: DraftRow; kind: AnySeedKind; audit: AuditEntry }> {
    const draft = await lockDraft(tx, draftId);
    if (!draft) {
      const problems = problem('NOT_FOUND', ['draft'], `no draft ${draftId}`);
      return { verdict: { problems, outcome: 'invalid', audit: { ...base, outcome: 'invalid', detail: describeProblems(problems) } } };
    }
    const kind = this.kind(draft.kind);
    const audit: AuditEntry = { ...base, kind: draft.kind, key: draft.key };
    // Judged on the record as it is now and as the draft would make it, not on what was stored with the draft.
    const current = (await publishedIn(tx, kind.name, [draft.key])).get(draft.key);
    const scope = await scopeOf(tx, this.kinds, actor, kind, [...(current ? [current.record] : []), ...(draft.record ? [draft.record] : [])]);
    if ('refused' in scope) return { verdict: { refused: scope.refused, audit } };
    if (draft.status !== 'pending') {
      const problems = problem('CONFLICT', ['draft'], `draft ${draftId} was already ${draft.status} by ${draft.decidedBy}`);
      return { verdict: { problems, outcome: 'conflict', audit: { ...audit, outcome: 'conflict', detail: describeProblems(problems) } } };
    }
    return { draft, kind, audit };
  }

  /** Records what did not happen (after the rollback), then answers. */
  private async settle(actor: Actor, verdict: Verdict): Promise<EditResult> {
    if ('draft' in verdict) return { draft: verdict.draft, revision: verdict.revision };
    if ('refused' in verdict) {
      await appendAudit(this.db, actor, { ...verdict.audit, outcome: 'refused', detail: verdict.refused });
      throw new EditRefused('FORBIDDEN', verdict.refused);
    }
    await appendAudit(this.db, actor, verdict.audit);
    return { problems: verdict.problems };
  }
}

/** A publication that conflicts, as it is answered and audited. */
function conflictVerdict(audit: AuditEntry, problems: RecordProblem[], revision: number | undefined): Verdict {
  return { problems, outcome: 'conflict', audit: { ...audit, outcome: 'conflict', revision, detail: describeProblems(problems) } };
}

function revisionConflict(current: number, expected: number): RecordProblem[] {
  return problem(
    'CONFLICT',
    ['expectedRevision'],
    `the record is at revision ${current}, not ${expected}: read it again and make your change to revision ${current}`,
  );
}

function pendingConflict(pending: DraftRow): RecordProblem[] {
  return problem('CONFLICT', ['key'], `draft ${pending.id} (by ${pending.author}) of this record is pending review: it must be published or rejected first`);
}

function isUniqueViolation(error: unknown): boolean {
  for (let at: unknown = error; at; at = (at as { cause?: unknown }).cause) {
    if ((at as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
