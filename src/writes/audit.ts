import type { Database } from '../db/connection.js';
import { auditLog, type auditOutcomes } from '../db/tables/index.js';
import type { Transaction } from '../db/write.js';
import type { Actor } from './actor.js';

export type AuditOutcome = (typeof auditOutcomes)[number];

export interface AuditEntry {
  operation: 'create' | 'update' | 'retire' | 'publish' | 'reject';
  outcome: AuditOutcome;
  kind?: string;
  key?: string;
  draftId?: number;
  revision?: number;
  before?: unknown;
  after?: unknown;
  detail?: string;
}

/**
 * Appends one entry. A write records its entry in its own transaction, so the two commit together; an attempt
 * refused or rolled back records it after the rollback, on its own.
 */
export async function appendAudit(to: Transaction | Database, actor: Actor, entry: AuditEntry): Promise<void> {
  await appendAudits(to, actor, [entry]);
}

/** Appends several entries of one actor in one statement (a bulk import's records). */
export async function appendAudits(to: Transaction | Database, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const drizzle = 'drizzle' in to ? to.drizzle : to;
  await drizzle.insert(auditLog).values(
    entries.map((entry) => ({
      principal: actor.description,
      role: actor.anonymous ? 'anonymous' : actor.role,
      organizationIds: [...actor.organizationIds],
      operation: entry.operation,
      outcome: entry.outcome,
      kind: entry.kind ?? null,
      key: entry.key ?? null,
      draftId: entry.draftId ?? null,
      revision: entry.revision ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      detail: entry.detail ?? null,
      requestId: actor.requestId || null,
    })),
  );
}
