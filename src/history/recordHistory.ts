import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { SHOWN_VERSIONS } from '../db/pastRead.js';
import type { AnySeedKind } from '../db/seed/kind.js';

/** What a published change did to its record. */
export type ChangeOperation = 'create' | 'update' | 'retire' | 'restore';

/** Bookkeeping columns of a row state: they change with every revision and say nothing about the record. */
const BOOKKEEPING = ['id', 'revision', 'valid_from', 'valid_to', 'search_bigrams', 'retired_at'];

/** The history of a kind's rows (drizzle/0021) and how a change is keyed: its table's twin, its key column. */
export function historyTable(kind: AnySeedKind): { twin: SQL; key: SQL } {
  return { twin: sql.raw(`"history"."${getTableName(kind.table)}"`), key: sql.raw(`"${kind.keyColumn.name}"`) };
}

/** The operation a row state's change was, from its revision and whether it and the state before were retired. */
export function operationOf(state: { revision: number; retired: boolean; before?: { retired: boolean } | null }): ChangeOperation {
  if (state.before) {
    if (state.retired && !state.before.retired) return 'retire';
    if (!state.retired && state.before.retired) return 'restore';
    return 'update';
  }
  // History began with the record already written: the first state kept is not its creation.
  if (state.retired) return 'retire';
  return state.revision === 1 ? 'create' : 'update';
}

/**
 * The fields a change touched: the top-level fields of the record as published (the shape of the seed files
 * and of the write API's inputs) when both states have one, else the row's columns as camelCase names.
 */
export function changedFields(
  before: { record: unknown; row: Record<string, unknown> } | null,
  after: { record: unknown; row: Record<string, unknown> },
): string[] {
  if (!before) return [];
  if (isObject(before.record) && isObject(after.record)) return differingKeys(before.record, after.record);
  return differingKeys(withoutBookkeeping(before.row), withoutBookkeeping(after.row)).map(camelCase);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function differingKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)).sort();
}

function withoutBookkeeping(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !BOOKKEEPING.includes(column)));
}

const camelCase = (column: string) => column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** One published revision of a record. */
export interface RevisionEntry {
  revision: number;
  dataVersion: number;
  at: Date | null;
  operation: ChangeOperation;
  changedFields: string[];
  /** The organizations (slugs) the publisher acted for; none for a revision written from the seed files. */
  publishedFor: string[];
}

interface RevisionRow {
  record_id: number;
  revision: number;
  version: string | number;
  at: string | Date | null;
  retired: boolean;
  before_retired: boolean | null;
  row: Record<string, unknown>;
  before_row: Record<string, unknown> | null;
  record: unknown;
  before_record: unknown;
  published_for: string[] | null;
}

/**
 * The revisions of the records with these ids, newest first: at most `first + 1` each (one more tells the
 * caller a next page exists), those made before version `before` when it is given. One statement for them all.
 */
export async function revisionsOf(
  db: Database,
  kind: AnySeedKind,
  ids: readonly number[],
  page: { first: number; before: number | null },
): Promise<Map<number, RevisionEntry[]>> {
  const { twin, key } = historyTable(kind);
  // The published record as it stood at a version: the state made at or before it and not yet replaced.
  const stateAt = (alias: string, version: SQL) => {
    const state = sql.raw(`"${alias}"`);
    return sql`${state}."valid_from" <= ${version} and (${state}."valid_to" is null or ${state}."valid_to" > ${version})`;
  };
  const rows = await db.rows<RevisionRow>(sql`
    select r.id as record_id, x.*
    from unnest(${`{${ids.join(',')}}`}::int[]) as r(id)
    cross join lateral (
      select h."revision", h."valid_from" as version, v."at", h."retired_at" is not null as retired,
        p."retired_at" is not null as before_retired, to_jsonb(h) as row, to_jsonb(p) as before_row,
        pr."record", pq."record" as before_record,
        array(
          select distinct o."slug" from "public"."audit_log" as a join "public"."organizations" as o on o."id" = any(a."organization_ids")
          where a."kind" = ${kind.name} and a."key" = h.${key} and a."revision" = h."revision" and a."outcome" = 'published'
        ) as published_for
      from ${twin} as h
      left join "history"."versions" as v on v."version" = h."valid_from"
      left join ${twin} as p on p."id" = h."id" and p."valid_to" = h."valid_from"
      left join "history"."published_records" as pr on pr."kind" = ${kind.name} and pr."key" = h.${key} and ${stateAt('pr', sql`h."valid_from"`)}
      left join "history"."published_records" as pq on pq."kind" = ${kind.name} and pq."key" = h.${key} and ${stateAt('pq', sql`h."valid_from" - 1`)}
      where h."id" = r.id and h."valid_from" <= ${SHOWN_VERSIONS} and h."valid_from" < ${page.before ?? Number.MAX_SAFE_INTEGER}
      order by h."valid_from" desc
      limit ${page.first + 1}
    ) as x
    order by r.id, x.version desc`);
  const byRecord = new Map<number, RevisionEntry[]>();
  for (const row of rows) {
    const before = row.before_row ? { record: row.before_record, row: row.before_row } : null;
    const entry: RevisionEntry = {
      revision: Number(row.revision),
      dataVersion: Number(row.version),
      at: row.at === null ? null : new Date(row.at),
      operation: operationOf({ revision: Number(row.revision), retired: row.retired, before: before && { retired: row.before_retired === true } }),
      changedFields: changedFields(before, { record: row.record, row: row.row }),
      publishedFor: (row.published_for ?? []).sort(),
    };
    const recordId = Number(row.record_id);
    const entries = byRecord.get(recordId);
    if (entries) entries.push(entry);
    else byRecord.set(recordId, [entry]);
  }
  return byRecord;
}
