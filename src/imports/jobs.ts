import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { importJobs, type importJobStates } from '../db/tables/index.js';
import type { Actor } from '../writes/actor.js';
import type { ImportProgress, ImportReport } from './importRecords.js';

export type ImportJobState = (typeof importJobStates)[number];
export type ImportJobRow = typeof importJobs.$inferSelect;

export async function createJob(db: Database, job: { id: string; principal: string; kind: string; publish: boolean; dryRun: boolean }): Promise<ImportJobRow> {
  const [row] = await db.drizzle
    .insert(importJobs)
    .values({ ...job, state: 'validating' })
    .returning();
  return row!;
}

export async function recordProgress(db: Database, id: string, progress: ImportProgress): Promise<void> {
  await db.drizzle
    .update(importJobs)
    .set({ state: progress.phase, processed: progress.processed, total: progress.total, updatedAt: sql`now()` })
    .where(and(eq(importJobs.id, id), sql`${importJobs.state} in ('validating', 'applying')`));
}

/** The job's end: what the import came to (a dry run that found nothing wrong is done too), or why it failed. */
export async function finishJob(db: Database, id: string, ended: { report: ImportReport } | { failure: string }): Promise<void> {
  const values =
    'report' in ended
      ? {
          state: ended.report.outcome === 'invalid' ? ('invalid' as const) : ('done' as const),
          processed: ended.report.total,
          total: ended.report.total,
          problems: ended.report.problems,
          problemCount: ended.report.problemCount,
          outcome: { created: ended.report.created, updated: ended.report.updated, unchanged: ended.report.unchanged, forbidden: ended.report.forbidden },
        }
      : { state: 'failed' as const, problems: [{ line: 0, column: null, message: ended.failure }], problemCount: 1 };
  await db.drizzle
    .update(importJobs)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(importJobs.id, id));
}

/** The job, if the actor may see it: its own principal's, or any for an admin. */
export async function visibleJob(db: Database, actor: Actor, id: string): Promise<ImportJobRow | undefined> {
  if (actor.anonymous || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const mine = actor.role === 'admin' ? eq(importJobs.id, id) : and(eq(importJobs.id, id), eq(importJobs.principal, actor.description));
  const [row] = await db.drizzle.select().from(importJobs).where(mine);
  return row;
}
