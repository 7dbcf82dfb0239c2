import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { drafts, type draftOperations, type draftStatuses } from '../db/tables/index.js';
import type { Transaction } from '../db/write.js';
import type { Actor } from './actor.js';

export type DraftRow = typeof drafts.$inferSelect;
export type DraftOperation = (typeof draftOperations)[number];
export type DraftStatus = (typeof draftStatuses)[number];

export async function insertDraft(tx: Transaction, draft: typeof drafts.$inferInsert): Promise<DraftRow> {
  const [row] = await tx.insert(drafts).values(draft).returning();
  return row!;
}

/** Several drafts in one statement (a bulk import): their ids by key. */
export async function insertDrafts(tx: Transaction, rows: (typeof drafts.$inferInsert)[]): Promise<{ id: number; key: string }[]> {
  if (rows.length === 0) return [];
  return tx.insert(drafts).values(rows).returning({ id: drafts.id, key: drafts.key });
}

/** The pending drafts of these records, by key. */
export async function pendingDraftsOf(tx: Transaction, kind: string, keys: readonly string[]): Promise<Map<string, DraftRow>> {
  if (keys.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(drafts)
    .where(and(eq(drafts.kind, kind), inArray(drafts.key, [...keys]), eq(drafts.status, 'pending')));
  return new Map(rows.map((row) => [row.key, row]));
}

/** The record's pending draft, if it has one. */
export async function pendingDraftOf(tx: Transaction, kind: string, key: string): Promise<DraftRow | undefined> {
  const [row] = await tx
    .select()
    .from(drafts)
    .where(and(eq(drafts.kind, kind), eq(drafts.key, key), eq(drafts.status, 'pending')));
  return row;
}

/** The draft, locked until the transaction ends: two publishers of one draft wait for each other. */
export async function lockDraft(tx: Transaction, id: number): Promise<DraftRow | undefined> {
  const [row] = await tx.select().from(drafts).where(eq(drafts.id, id)).for('update');
  return row;
}

export async function decideDraft(
  tx: Transaction,
  id: number,
  decision: { status: 'published' | 'rejected'; decidedBy: string; decisionReason?: string; publishedRevision?: number },
): Promise<DraftRow> {
  const [row] = await tx
    .update(drafts)
    .set({ ...decision, decidedAt: sql`now()` })
    .where(eq(drafts.id, id))
    .returning();
  return row!;
}

/**
 * Who may see a draft: its author, admins, and editors and publishers acting for one of the record's
 * organizations or domains. Never the public.
 */
function visibleTo(actor: Actor): SQL | undefined {
  if (actor.role === 'admin') return undefined;
  // A reader's scope gives it no drafts: it writes nothing, so it has no part in review.
  if (actor.role === 'reader') return sql`false`;
  const organizations = sql.param([...actor.organizationIds]);
  const domains = sql.param([...actor.domains]);
  return sql`(${drafts.author} = ${actor.description} or ${drafts.organizationIds} && ${organizations}::int[] or ${drafts.domains} && ${domains}::text[])`;
}

/** A page of the drafts the actor may see, newest first, after the draft `before` (an id) when given. */
export async function listDrafts(
  db: Database,
  actor: Actor,
  filter: { status?: DraftStatus; kind?: string; before?: number },
  first: number,
): Promise<{ rows: DraftRow[]; hasNextPage: boolean }> {
  const conditions = [
    visibleTo(actor),
    filter.status && eq(drafts.status, filter.status),
    filter.kind && eq(drafts.kind, filter.kind),
    filter.before !== undefined ? lt(drafts.id, filter.before) : undefined,
  ].filter((condition): condition is SQL => condition !== undefined);
  const rows = await db.drizzle
    .select()
    .from(drafts)
    .where(and(...conditions))
    .orderBy(desc(drafts.id))
    .limit(first + 1);
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** One draft, if the actor may see it. */
export async function visibleDraft(db: Database, actor: Actor, id: number): Promise<DraftRow | undefined> {
  const condition = visibleTo(actor);
  const [row] = await db.drizzle
    .select()
    .from(drafts)
    .where(condition ? and(eq(drafts.id, id), condition) : eq(drafts.id, id));
  return row;
}

/** Those of these drafts the actor may see, of the kinds given (all when none are), oldest first. */
export async function visibleDraftsAmong(db: Database, actor: Actor, ids: readonly number[], kinds: readonly string[] | null): Promise<DraftRow[]> {
  const conditions = [
    sql`${drafts.id} = any(${sql.param([...ids])}::int[])`,
    visibleTo(actor),
    kinds ? sql`${drafts.kind} = any(${sql.param([...kinds])}::text[])` : undefined,
  ].filter((condition): condition is SQL => condition !== undefined);
  return db.drizzle
    .select()
    .from(drafts)
    .where(and(...conditions))
    .orderBy(drafts.id);
}

/** The pending drafts the actor may see, oldest first, at most `limit` of them, and how many there are in all. */
export async function pendingDraftsVisibleTo(tx: Transaction, actor: Actor, limit: number): Promise<{ rows: DraftRow[]; total: number }> {
  const condition = and(eq(drafts.status, 'pending'), visibleTo(actor));
  const rows = await tx.select().from(drafts).where(condition).orderBy(drafts.id).limit(limit);
  if (rows.length < limit) return { rows, total: rows.length };
  const [{ total }] = (await tx
    .select({ total: sql<number>`count(*)::int` })
    .from(drafts)
    .where(condition)) as [{ total: number }];
  return { rows, total };
}
