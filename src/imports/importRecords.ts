import type { Readable } from 'node:stream';
import { checkRecord, type RecordProblem } from '../db/records/check.js';
import { assumeLive, assumePublished, forget, forgetAll, publishedIn, type KindsByName } from '../db/records/lookups.js';
import { lockRecords, writeRecords } from '../db/records/write.js';
import type { Database } from '../db/connection.js';
import { keyOf, parentOf, type AnySeedKind } from '../db/seed/kind.js';
import { write, type Transaction } from '../db/write.js';
import type { OwnedBy } from '../writes/actor.js';
import { mayPropose, mayPublish, type Actor } from '../writes/actor.js';
import { appendAudit, appendAudits, type AuditEntry } from '../writes/audit.js';
import { insertDrafts, pendingDraftsOf } from '../writes/draftStore.js';
import { roleRefusal, type EditRefused } from '../writes/edits.js';
import { draftOwner, scopeOf } from '../writes/scope.js';
import { fileRecords, FileUnreadable, type FileFormat, type FileProblem, type FileRecord } from './fileRecords.js';
import { sameRecord } from './sameRecord.js';

export interface ImportOptions {
  kind: AnySeedKind;
  format: FileFormat;
  /** Opens the file from its start: it is read twice, to check it whole and then to write it, and never held whole. */
  open: () => Readable;
  /** What the audit log names the file by ("observations.csv"). */
  label: string;
  /** Check and report only; nothing is written. */
  dryRun: boolean;
  /** Publish at once (publishers and admins) rather than leave drafts for review. */
  publish: boolean;
  /** How many problems are kept for the report (all are counted). */
  maxProblems?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export type ImportPhase = 'validating' | 'applying';

export interface ImportProgress {
  phase: ImportPhase;
  processed: number;
  /** Records in the file, once it has been read whole. */
  total: number | null;
}

export interface ImportReport {
  /** invalid: nothing written; checked: a dry run found nothing wrong; done: written. */
  outcome: 'invalid' | 'checked' | 'done';
  total: number;
  problems: FileProblem[];
  problemCount: number;
  /** Whether some problem is a record outside the caller's scope (answered 403 where an answer waits for it). */
  forbidden: boolean;
  created: number;
  updated: number;
  unchanged: number;
  validateSeconds: number;
  applySeconds: number;
}

/** What pass one decided for a record that is to be written. */
interface Plan {
  operation: 'create' | 'update';
  baseRevision: number | null;
  owner: OwnedBy;
}

const DEFAULT_MAX_PROBLEMS = 1000;
// Records per round of lookups and writes: each round is a few statements, whatever its size.
const BATCH = 1000;

/** Nothing is written: the transaction is rolled back with the report. */
class RolledBack extends Error {
  constructor(readonly report: ImportReport) {
    super('import rolled back');
  }
}

/**
 * A bulk import of one kind's records through the write path of the mutations: every record is checked as
 * a mutation checks one (checkRecord, the actor's scope, pending drafts), the whole file before anything is
 * written, every problem reported by line and column; then, all in one transaction (write()), each new or
 * changed record becomes a draft, or is published at once, one audit entry each. Unchanged records are
 * skipped: importing a file again writes nothing and leaves the data version as it is.
 */
export async function importRecords(db: Database, kinds: KindsByName, actor: Actor, options: ImportOptions): Promise<ImportReport> {
  const { kind } = options;
  const operation = 'create';
  const refusal = await importRefusal(db, actor, { kind: kind.name, label: options.label, publish: options.publish });
  if (refusal) throw refusal;
  try {
    const { value } = await write(db, (tx) => new Import(tx, kinds, actor, options).run());
    return value;
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
    const refused = error.report.forbidden;
    if (refused) {
      const first = error.report.problems.find((problem) => problem.message.startsWith('This '));
      await appendAudit(db, actor, {
        operation,
        outcome: 'refused',
        kind: kind.name,
        detail: `import ${options.label}: line ${first?.line}: ${first?.message}`,
      });
    }
    return error.report;
  }
}

/** Why the actor may not import at all (its role), audited; undefined when it may. */
export async function importRefusal(db: Database, actor: Actor, what: { kind: string; label: string; publish: boolean }): Promise<EditRefused | undefined> {
  if (mayPropose(actor) && (!what.publish || mayPublish(actor))) return undefined;
  const refusal = mayPropose(actor) ? roleRefusal(actor, 'publish an import at once') : roleRefusal(actor, 'propose changes');
  await appendAudit(db, actor, {
    operation: 'create',
    outcome: 'refused',
    kind: what.kind,
    detail: `import ${what.label}: role ${actor.anonymous ? 'anonymous' : actor.role}`,
  });
  return refusal;
}

class Import {
  private readonly kind: AnySeedKind;
  private readonly problems: FileProblem[] = [];
  private problemCount = 0;
  private forbidden = false;
  private readonly plans: (Plan | null)[] = [];
  private readonly maxProblems: number;
  private counts = { created: 0, updated: 0, unchanged: 0 };

  constructor(
    private readonly tx: Transaction,
    private readonly kinds: KindsByName,
    private readonly actor: Actor,
    private readonly options: ImportOptions,
  ) {
    this.kind = options.kind;
    this.maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  }

  private report(outcome: ImportReport['outcome'], seconds: { validateSeconds: number; applySeconds: number }): ImportReport {
    return {
      outcome,
      total: this.plans.length,
      problems: this.problems,
      problemCount: this.problemCount,
      forbidden: this.forbidden,
      ...this.counts,
      ...seconds,
    };
  }

  private problem(problem: FileProblem) {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
  }

  async run(): Promise<{ changed: number; value: ImportReport }> {
    const started = performance.now();
    await this.validate();
    const validateSeconds = (performance.now() - started) / 1000;
    if (this.problemCount > 0) throw new RolledBack(this.report('invalid', { validateSeconds, applySeconds: 0 }));
    if (this.options.dryRun) throw new RolledBack(this.report('checked', { validateSeconds, applySeconds: 0 }));
    const applying = performance.now();
    const changed = await this.apply();
    return { changed, value: this.report('done', { validateSeconds, applySeconds: (performance.now() - applying) / 1000 }) };
  }

  /** Pass one: every record checked, in batches; nothing written. */
  private async validate(): Promise<void> {
    const seen = new Map<string, number>();
    let batch: FileRecord[] = [];
    const flush = async () => {
      await this.checkBatch(batch, seen);
      this.options.onProgress?.({ phase: 'validating', processed: this.plans.length, total: null });
      batch = [];
    };
    try {
      for await (const record of fileRecords(this.kind, this.options.format, this.options.open())) {
        batch.push(record);
        if (batch.length >= BATCH) await flush();
      }
    } catch (error) {
      if (!(error instanceof FileUnreadable)) throw error;
      for (const problem of error.problems) this.problem(problem);
    }
    await flush();
  }

  private async checkBatch(batch: FileRecord[], seen: Map<string, number>): Promise<void> {
    const { tx, kind, kinds } = this;
    const keys = batch.map((record) => record.input[kind.key]).filter((key): key is string => typeof key === 'string');
    const states = await lockRecords(tx, kind, keys);
    const pending = await pendingDraftsOf(tx, kind.name, keys);
    const published = await publishedIn(tx, kind.name, keys);
    const assumed: string[] = [];
    for (const record of batch) {
      const { line } = record;
      this.plans.push(null);
      const fail = (column: string | null, message: string) => this.problem({ line, column, message });
      for (const problem of record.problems) this.problem(problem);
      if (record.problems.length) continue;
      const key = record.input[kind.key];
      const keyColumn = record.columnOf([kind.key]);
      if (typeof key === 'string') {
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          fail(keyColumn, `${JSON.stringify(key)} is also the ${kind.key} of the record on line ${earlier}: a file names each ${kind.noun} once`);
          continue;
        }
        seen.set(key, line);
      }
      const state = typeof key === 'string' ? states.get(key) : undefined;
      const before = typeof key === 'string' ? published.get(key) : undefined;
      if (state?.retired) {
        fail(keyColumn, `the ${kind.noun} ${JSON.stringify(key)} is retired, and retired records keep their keys: give it another ${kind.key}`);
        continue;
      }
      if (state && !before) {
        fail(keyColumn, `${kind.noun} ${JSON.stringify(key)} has no published record to change (generated data is not edited)`);
        continue;
      }
      const text = record.text ?? before?.text ?? null;
      const checked = await checkRecord(tx, kinds, kind, record.input, text);
      if (checked.problems) {
        for (const problem of checked.problems) this.recordProblem(record, problem);
        continue;
      }
      const sameText = (other: string | null) => !kind.textFile || text === other;
      const draft = typeof key === 'string' ? pending.get(key) : undefined;
      if (draft) {
        if (!this.options.publish && draft.record && sameRecord(draft.record, checked.record) && sameText(draft.text)) this.counts.unchanged++;
        else fail(keyColumn, `draft ${draft.id} (by ${draft.author}) of this ${kind.noun} is pending review: it must be published or rejected first`);
        continue;
      }
      const scope = await scopeOf(tx, kinds, this.actor, kind, before ? [before.record, checked.record] : [checked.record]);
      if ('refused' in scope) {
        this.forbidden = true;
        fail(keyColumn, scope.refused);
        continue;
      }
      if (before && sameRecord(before.record, checked.record) && sameText(before.text)) {
        this.counts.unchanged++;
        continue;
      }
      this.plans[this.plans.length - 1] = { operation: before ? 'update' : 'create', baseRevision: state?.revision ?? null, owner: scope.owner };
      this.counts[before ? 'updated' : 'created']++;
      // Later records of the file may name this one (a program's parent): they are checked as if it were published.
      if (this.options.publish) {
        assumePublished(tx, kind.name, keyOf(kind, checked.record), checked.record, kind.textFile ? text : null);
        assumed.push(keyOf(kind, checked.record));
      }
    }
    // Kept, what was looked up and assumed for the batch would grow with the file. A kind without parents is named by
    // no record of its own file, and a file names each record once: only that the records are live stays known.
    if (!kind.parent) {
      for (const key of keys) forget(tx, kind.name, key);
      for (const key of assumed) assumeLive(tx, kind.name, key);
    }
  }

  /** A problem checkRecord found, placed in the column that holds its field. */
  private recordProblem(record: FileRecord, problem: RecordProblem) {
    const column = record.columnOf(problem.field);
    const path = problem.field.join('.');
    this.problem({ line: record.line, column, message: column === path || !path ? problem.message : `${path}: ${problem.message}` });
  }

  /** Pass two: the file read again, each planned record written, in batches. Returns how many records were published. */
  private async apply(): Promise<number> {
    const { tx, kind } = this;
    forgetAll(tx); // what pass one assumed is written now, with real ids
    const total = this.plans.length;
    let index = 0;
    let changed = 0;
    let batch: { line: number; record: unknown; text: string | null; plan: Plan }[] = [];
    const inBatch = new Set<string>();
    const flush = async () => {
      changed += await this.writeBatch(batch);
      this.options.onProgress?.({ phase: 'applying', processed: index, total });
      batch = [];
      inBatch.clear();
    };
    for await (const read of fileRecords(kind, this.options.format, this.options.open())) {
      const plan = this.plans[index++];
      if (!plan) continue;
      const record = kind.record.parse(read.input) as unknown;
      // A record naming another of this batch waits for it to be written (writeRecords looks ids up first).
      if (this.namesOneOf(record, inBatch)) await flush();
      // A source keeps its text when the file gives none.
      const text = kind.textFile ? (read.text ?? (await publishedIn(tx, kind.name, [keyOf(kind, record)])).get(keyOf(kind, record))?.text ?? null) : null;
      batch.push({ line: read.line, record, text, plan });
      inBatch.add(keyOf(kind, record));
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return changed;
  }

  private namesOneOf(record: unknown, keys: Set<string>): boolean {
    if (keys.size === 0) return false;
    const { kind } = this;
    const parent = parentOf(kind, record);
    if (parent != null && keys.has(parent)) return true;
    return (kind.references?.(record) ?? []).some((reference) => reference.kind === kind.name && reference.key != null && keys.has(reference.key));
  }

  private async writeBatch(batch: { line: number; record: unknown; text: string | null; plan: Plan }[]): Promise<number> {
    if (batch.length === 0) return 0;
    const { tx, kind, kinds, actor, options } = this;
    const publish = options.publish;
    const keys = batch.map(({ record }) => keyOf(kind, record));
    const befores = await publishedIn(tx, kind.name, keys);
    const revisionOf = (plan: Plan) => (plan.baseRevision ?? 0) + 1;
    const drafts = await insertDrafts(
      tx,
      batch.map(({ record, text, plan }, i) => ({
        kind: kind.name,
        key: keys[i]!,
        operation: plan.operation,
        record,
        text: kind.textFile ? text : null,
        baseRevision: plan.baseRevision,
        ...draftOwner(actor, plan.owner),
        ...(publish ? { status: 'published', decidedBy: actor.description, decidedAt: new Date(), publishedRevision: revisionOf(plan) } : {}),
      })),
    );
    const draftOf = new Map(drafts.map((draft) => [draft.key, draft.id]));
    const written = publish
      ? writeRecords(
          tx,
          kinds,
          kind,
          batch.map(({ record, text, plan }) => ({ record, text, revision: revisionOf(plan) })),
        )
      : Promise.resolve();
    const entries: AuditEntry[] = batch.map(({ line, record, plan }, i) => ({
      operation: plan.operation,
      outcome: publish ? 'published' : 'proposed',
      kind: kind.name,
      key: keys[i],
      draftId: draftOf.get(keys[i]!),
      revision: publish ? revisionOf(plan) : (plan.baseRevision ?? undefined),
      before: befores.get(keys[i]!)?.record,
      after: record,
      detail: `import ${options.label}, line ${line}`,
    }));
    // Both on the transaction's one connection: the audit rows are sent while the records are being written.
    await Promise.all([written, appendAudits(tx, actor, entries)]);
    return publish ? batch.length : 0;
  }
}

/** The kind a file holds, from its name ("observations.csv", "2024-facilities.json"), if it names one. */
export function kindOfFileName(kinds: KindsByName, name: string): AnySeedKind | undefined {
  const base = name.replace(/^.*[\\/]/, '').toLowerCase();
  const named = [...kinds.values()].filter((kind) => kind.name !== 'divisions' && base.includes(kind.name));
  return named.length === 1 ? named[0] : undefined;
}

/** The kinds a file may hold: every kind the API writes but divisions, which only the seed files change. */
export function importableKinds(kinds: KindsByName): AnySeedKind[] {
  return [...kinds.values()].filter((kind) => kind.name !== 'divisions');
}
