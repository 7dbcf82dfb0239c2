import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { surrogateId } from './columns.js';

/**
 * Every published record as its seed file or its last published edit wrote it (the shape of seeds/*.json),
 * by kind and natural key. An edit changes some fields of this record and is checked whole, as the seed
 * loader checks a file's record; the rows of the record's tables are made from it.
 */
export const publishedRecords = pgTable(
  'published_records',
  {
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    record: jsonb('record').notNull(),
    /** A source's text, which the quotes citing it must occur in verbatim. */
    text: text('text'),
    /** Why it was retired through the API (a record retired by leaving its seed file has none). */
    retiredReason: text('retired_reason'),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);

export const draftOperations = ['create', 'update', 'retire'] as const;
export const draftStatuses = ['pending', 'published', 'rejected'] as const;
const listOf = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

/**
 * A proposed change to one record, invisible to the public until a publisher of its scope publishes it. It
 * holds the whole record as it would be, and the revision it was made from: publishing a draft made from a
 * revision that is no longer the record's is a conflict, never a silent overwrite.
 */
export const drafts = pgTable(
  'drafts',
  {
    id: surrogateId(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    /** The record as it would be published; null for a retirement. */
    record: jsonb('record'),
    /** A source's text, when the draft gives one. */
    text: text('text'),
    /** Why the record is to be retired. */
    reason: text('reason'),
    /** The record's revision the change was made from; null for a new record. */
    baseRevision: integer('base_revision'),
    status: text('status').notNull().default('pending'),
    /** The organizations and domains the record belongs to: who may see the draft and who may publish it. */
    organizationIds: integer('organization_ids')
      .array()
      .notNull()
      .default(sql`'{}'::int[]`),
    domains: text('domains')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    author: text('author').notNull(),
    /** The organizations the author acted for. */
    authorOrganizationIds: integer('author_organization_ids')
      .array()
      .notNull()
      .default(sql`'{}'::int[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Why it was rejected. */
    decisionReason: text('decision_reason'),
    /** The record's revision once published. */
    publishedRevision: integer('published_revision'),
  },
  (t) => [
    check('drafts_operation_check', sql`${t.operation} in (${listOf(draftOperations)})`),
    check('drafts_status_check', sql`${t.status} in (${listOf(draftStatuses)})`),
    index('drafts_status_idx').on(t.status, t.id),
    // One pending draft per record: a second editor's change waits for the first to be published or rejected.
    uniqueIndex('drafts_one_pending_idx')
      .on(t.kind, t.key)
      .where(sql`${t.status} = 'pending'`),
  ],
);

export const auditOutcomes = ['proposed', 'published', 'rejected', 'refused', 'conflict', 'invalid'] as const;

/**
 * Who did what to which record, and what it was before and after; refused attempts too. Append-only: a
 * trigger (drizzle/0018) refuses UPDATE, DELETE and TRUNCATE, so not even the application can rewrite it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The caller as it was known: "key 12 (civil-affairs app)", "token user@idp", "anonymous 10.0.0.1". */
    principal: text('principal').notNull(),
    role: text('role').notNull(),
    organizationIds: integer('organization_ids')
      .array()
      .notNull()
      .default(sql`'{}'::int[]`),
    operation: text('operation').notNull(),
    outcome: text('outcome').notNull(),
    kind: text('kind'),
    key: text('key'),
    draftId: integer('draft_id'),
    revision: integer('revision'),
    before: jsonb('before'),
    after: jsonb('after'),
    /** Why it was refused, what conflicted, or the reason given. */
    detail: text('detail'),
    requestId: text('request_id'),
  },
  (t) => [
    check('audit_log_outcome_check', sql`${t.outcome} in (${listOf(auditOutcomes)})`),
    index('audit_log_at_idx').on(t.at, t.id),
    // Who published a record's revision (its history, src/history).
    index('audit_log_record_idx').on(t.kind, t.key, t.revision),
  ],
);

/**
 * The first answer to a mutation sent with an `Idempotency-Key`, by caller and key: a retry gets it again and
 * writes nothing twice. Kept at least 24 hours.
 */
export const idempotentAnswers = pgTable(
  'idempotent_answers',
  {
    caller: text('caller').notNull(),
    key: text('key').notNull(),
    /** A hash of the request, so a key reused for another request is refused rather than answered wrongly. */
    requestHash: text('request_hash').notNull(),
    /** Null while the first request runs. */
    status: integer('status'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index('idempotent_answers_created_at_idx').on(t.createdAt)],
);
