import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { auditLog, organizations, type auditOutcomes } from '../db/tables/index.js';
import { badUserInput } from '../graphql/errors.js';
import type { AuditEntry as AppendedEntry } from './audit.js';
import { fromOpaque, toOpaque } from '../graphql/opaqueText.js';
import { checkedPageSize, type PageLimit } from '../graphql/relay/pageSize.js';

/** What a write did, as the log records it (typed against what appendAudit takes, so the two cannot drift). */
export const auditOperations = {
  create: 'A new record was proposed or made.',
  update: 'A change to a record was proposed or made.',
  retire: "A record's retirement was proposed or made.",
  publish: 'A draft was published.',
  reject: 'A draft was rejected.',
} as const satisfies Record<AppendedEntry['operation'], string>;
export type AuditOperation = keyof typeof auditOperations;

export const auditOutcomeDescriptions = {
  proposed: 'A draft was made, for a publisher to decide on.',
  published: 'The change is public.',
  rejected: 'A publisher turned the draft down.',
  refused: 'The caller may not do this (role or scope).',
  conflict: 'The record changed since the revision the change was made from.',
  invalid: 'The record as changed did not pass the checks.',
} as const satisfies Record<(typeof auditOutcomes)[number], string>;
export type AuditOutcome = keyof typeof auditOutcomeDescriptions;

export const DEFAULT_AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 200;

/** Which entries to read; every condition given must hold. `since` is inclusive, `until` exclusive. */
export interface AuditLogFilter {
  kind?: string | null;
  key?: string | null;
  operation?: AuditOperation | null;
  outcome?: AuditOutcome | null;
  since?: Date | null;
  until?: Date | null;
}

/** One entry as written, with the slugs of the organizations the caller acted for. */
export interface AuditLogEntry {
  /** The entry's number: ids grow in the order entries were written (text: the column is a bigint). */
  id: string;
  at: Date;
  principal: string;
  role: string;
  organizations: string[];
  operation: AuditOperation;
  outcome: AuditOutcome;
  kind: string | null;
  key: string | null;
  /** Text, as drafts' ids are in the API. */
  draftId: string | null;
  revision: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: string | null;
  requestId: string | null;
}

export interface AuditLogPage {
  entries: AuditLogEntry[];
  /** Pass as `after` for the next page; null when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface AuditPageRequest {
  size: number;
  /** A cursor this function returned, or null for the first page. */
  after: string | null;
  /** Newest first (the API), or oldest first (the command line, which reads a range forwards). */
  order: 'newest' | 'oldest';
}

const CURSOR_PREFIX = 'audit:';

const encodeCursor = (id: string) => toOpaque(`${CURSOR_PREFIX}${id}`);

function decodeCursor(cursor: string): string {
  const text = fromOpaque(cursor);
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!/^\d{1,18}$/.test(id)) {
    throw badUserInput(`"${cursor}" is not a cursor of the audit log. Pass the \`endCursor\` an \`auditLog\` page returned.`, { argument: 'after' });
  }
  return id;
}

/** The page size the API asks for: default 50, at most 200. */
export function auditPageSize(first: number | null | undefined): number {
  return checkedPageSize('first', first, AUDIT_PAGES);
}
const AUDIT_PAGES: PageLimit = {
  fallback: DEFAULT_AUDIT_PAGE,
  most: MAX_AUDIT_PAGE,
  named: "the audit log's page size limit",
  readOn: 'pass `endCursor` as `after`',
};

/** Refuses a range that ends before it starts (it could only ever be empty, which is surely not what was meant). */
export function auditRangeProblem(filter: AuditLogFilter): string | undefined {
  const { since, until } = filter;
  if (since && until && since.getTime() > until.getTime()) return `\`since\` (${since.toISOString()}) is after \`until\` (${until.toISOString()}).`;
  return undefined;
}

interface AuditRow extends Omit<AuditLogEntry, 'at'> {
  atMs: number;
}

/**
 * A page of the audit log, keyset-paginated by id, in one statement: the organizations' slugs are looked up
 * in it too. Times come as epoch milliseconds and the id as text, so rows read the same on both drivers.
 */
export async function readAuditLog(db: Database, filter: AuditLogFilter, request: AuditPageRequest): Promise<AuditLogPage> {
  if (request.size === 0) return { entries: [], endCursor: null, hasNextPage: false };
  const newest = request.order === 'newest';
  const conditions: SQL[] = [];
  if (filter.kind != null) conditions.push(sql`a.kind = ${filter.kind}`);
  if (filter.key != null) conditions.push(sql`a.key = ${filter.key}`);
  if (filter.operation != null) conditions.push(sql`a.operation = ${filter.operation}`);
  if (filter.outcome != null) conditions.push(sql`a.outcome = ${filter.outcome}`);
  if (filter.since != null) conditions.push(sql`a.at >= ${filter.since.toISOString()}::timestamptz`);
  if (filter.until != null) conditions.push(sql`a.at < ${filter.until.toISOString()}::timestamptz`);
  if (request.after !== null) {
    const id = decodeCursor(request.after);
    conditions.push(newest ? sql`a.id < ${id}::bigint` : sql`a.id > ${id}::bigint`);
  }
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const rows = await db.rows<AuditRow>(sql`
    select a.id::text as "id", (extract(epoch from a.at) * 1000)::float8 as "atMs", a.principal, a.role,
      coalesce((select array_agg(o.slug order by ids.position) from unnest(a.organization_ids) with ordinality as ids(id, position)
        join ${organizations} o on o.id = ids.id), '{}') as "organizations",
      a.operation, a.outcome, a.kind, a.key, a.draft_id::text as "draftId", a.revision, a.before, a.after, a.detail, a.request_id as "requestId"
    from ${auditLog} a ${where}
    order by a.id ${newest ? sql`desc` : sql`asc`}
    limit ${request.size + 1}`);
  const hasNextPage = rows.length > request.size;
  const entries = rows.slice(0, request.size).map(({ atMs, ...entry }) => ({ ...entry, at: new Date(atMs) }));
  return { entries, endCursor: entries.length > 0 ? encodeCursor(entries.at(-1)!.id) : null, hasNextPage };
}
