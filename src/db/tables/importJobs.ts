import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const importJobStates = ['validating', 'invalid', 'applying', 'done', 'failed'] as const;

/**
 * One bulk import sent to POST /imports (src/imports): kept in PostgreSQL, not in a process, so any instance
 * answers `importJob(id)`. Only its principal (or an admin) sees it.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    /** A random UUID: a job's id is not guessable from another's. */
    id: text('id').primaryKey(),
    /** Who sent it, as the audit log names callers ("key 12 (civil-affairs app)"). */
    principal: text('principal').notNull(),
    kind: text('kind').notNull(),
    publish: boolean('publish').notNull().default(false),
    dryRun: boolean('dry_run').notNull().default(false),
    state: text('state').notNull(),
    /** Records read so far, and in all once the whole file has been read. */
    processed: integer('processed').notNull().default(0),
    total: integer('total'),
    /** The first problems found, each `{ line, column, message }`, and how many there are in all. */
    problems: jsonb('problems')
      .notNull()
      .default(sql`'[]'::jsonb`),
    problemCount: integer('problem_count').notNull().default(0),
    /** What a finished import did: records created, updated and unchanged. */
    outcome: jsonb('outcome'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('import_jobs_state_check', sql`${t.state} in (${sql.raw(importJobStates.map((state) => `'${state}'`).join(', '))})`),
    index('import_jobs_principal_idx').on(t.principal, t.createdAt),
  ],
);
