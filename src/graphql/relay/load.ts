import DataLoader from 'dataloader';
import { sql, type SQL } from 'drizzle-orm';
import type { GraphQLResolveInfo } from 'graphql';
import { isAnyOf } from '../../db/sqlParts.js';
import type { Context } from '../context.js';
import {
  lookupWithPageQuery,
  nestedCountQuery,
  nestedPageQuery,
  rootCountQuery,
  rootPageQuery,
  toPage,
  type BelongsTo,
  type ListQuery,
  type Page,
} from './keyset.js';
import type { PageRequest } from './pageArgs.js';
import type { Projection } from '../projection.js';

/** One page of a top-level list; its total is counted only if asked for. */
export async function loadRootPage<Row>(
  context: Context,
  list: ListQuery,
  request: PageRequest,
): Promise<{ page: Page<Row>; countTotal: () => Promise<number> }> {
  const fetched = await context.db.rows(rootPageQuery(list, request));
  if (fetched.length === 0 && list.references) await list.references.assertExist(context);
  const countTotal = async () => (await context.db.rows<{ count: number }>(rootCountQuery(list)))[0]?.count ?? 0;
  return { page: toPage<Row>(list, request, fetched), countTotal };
}

/** A nested list as its field asks for it: everything about its page but the parent. */
export interface NestedPage {
  /** The list and its arguments (`program.facilities:[…]`); with the projection it keys the request's DataLoaders. */
  shape: string;
  projection: Projection;
  list: (projection: Projection) => ListQuery;
  belongsTo: BelongsTo;
  request: PageRequest;
}

/**
 * One page of a nested list (a program's facilities, a division's children…). Every parent asking for the
 * same list with the same arguments in one request shares one SQL statement, and one more for totals.
 * The list's shape and projection key the request's DataLoaders, so two selections of one list never
 * share rows fetched for the other.
 *
 * `nested` describes the list; it is called for the first parent only. A field's arguments come from the
 * document and the variables, so the field asks for the same page under each of its 50 parents: its
 * description and loaders are worked out once per request and field (keyed by the field's nodes in the
 * document), not once per parent (the keys' JSON, strings and closures made per parent had cost 16–24 % of
 * the benchmark's nested query's server CPU, measured in alternating runs).
 */
export function loadNestedPage<Row>(
  context: Context,
  info: GraphQLResolveInfo,
  nested: () => NestedPage,
  parentId: number,
): Promise<{ page: Page<Row>; countTotal: () => Promise<number> }> {
  const loaders = context.loaders.perField(info.fieldNodes, () => nestedLoaders<Row>(context, nested()));
  return loaders.page.load(parentId).then((page) => ({ page, countTotal: totalOf(loaders.totals, parentId) }));
}

interface NestedLoaders<Row> {
  page: DataLoader<number, Page<Row>>;
  totals: DataLoader<number, number>;
}

function nestedLoaders<Row>(context: Context, nested: NestedPage): NestedLoaders<Row> {
  const { shape, projection, list, belongsTo } = nested;
  const totals = context.loaders.get(
    `count:${shape}`,
    () =>
      new DataLoader<number, number>(async (parentIds) => {
        const counted = await context.db.rows<{ __parent: number; count: number }>(nestedCountQuery(list(projection), belongsTo, [...parentIds]));
        const byParent = new Map(counted.map((row) => [row.__parent, row.count]));
        return parentIds.map((id) => byParent.get(id) ?? 0);
      }),
  );
  return { page: pageLoader<Row>(context, nested), totals };
}

// A function returning the closure, not a closure written in place: tsx (esbuild keepNames) names every
// closure assigned to a property with a defineProperty call, once per parent here.
function totalOf(totals: DataLoader<number, number>, parentId: number): () => Promise<number> {
  return () => totals.load(parentId);
}

function pageLoader<Row>(context: Context, nested: NestedPage): DataLoader<number, Page<Row>> {
  const { shape, projection, list, belongsTo, request } = nested;
  return context.loaders.get(
    `page:${shape}:${projection.key}:${JSON.stringify(request)}`,
    () =>
      new DataLoader<number, Page<Row>>(async (parentIds) => {
        const spec = list(projection);
        const fetched = await context.db.rows(nestedPageQuery(spec, belongsTo, [...parentIds], request));
        const byParent = new Map<number, Record<string, unknown>[]>();
        for (const row of fetched) {
          const parent = row.__parent as number;
          let rows = byParent.get(parent);
          if (!rows) byParent.set(parent, (rows = []));
          rows.push(row);
        }
        return parentIds.map((id) => toPage<Row>(spec, request, byParent.get(id) ?? []));
      }),
  );
}

/**
 * A row looked up by its key together with one page of a list under it, in one statement: a root field
 * (`indicator(code)`) and the list it is asked for would otherwise be two round trips, the second waiting
 * for the first. The page is handed to the list's loader, so the list's own resolver answers without SQL.
 * `lookup` selects the row's columns (at most one row, with its `id`). Arguments the list refuses (a bad
 * cursor) are the list's error, not the row's: the row is then loaded `alone`, and the list reports it.
 */
export async function loadWithNestedPage<Row extends { id: number }>(
  context: Context,
  lookup: SQL,
  nested: NestedPage,
  alone: () => Promise<Row | null>,
): Promise<Row | null> {
  const spec = nested.list(nested.projection);
  let statement: SQL;
  try {
    statement = lookupWithPageQuery(lookup, spec, nested.belongsTo, nested.request);
  } catch {
    return alone();
  }
  const fetched = await context.db.rows<{ __row: Row | null; __rank: number | null }>(statement);
  const row = fetched[0]?.__row;
  if (!row) return null;
  const pageRows = fetched[0]!.__rank == null ? [] : fetched;
  pageLoader(context, nested).prime(row.id, toPage(spec, nested.request, pageRows));
  return row;
}

/** Rows by a key column (id, slug, code), batched per request: one statement for all keys asked. */
export function loadByKey<Key extends string | number, Row>(
  context: Context,
  shape: string,
  query: (keys: readonly Key[]) => SQL,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row | null> {
  return context.loaders.get(
    `rows:${shape}`,
    () =>
      new DataLoader<Key, Row | null>(async (keys) => {
        const rows = await context.db.rows<Row>(query(keys));
        const byKey = new Map(rows.map((row) => [keyOf(row), row]));
        return keys.map((key) => byKey.get(key) ?? null);
      }),
  );
}

/** `select <columns> from <from> where <key> in (…keys)`: what loadRowsBy sends, and a root lookup folds in (lookAhead.ts). */
export const rowsByKeyQuery = (select: { columns: SQL; from: SQL }, keyColumn: SQL, keys: readonly (string | number)[]): SQL =>
  sql`select ${select.columns} from ${select.from} where ${isAnyOf(keyColumn, keys)}`;

/** Rows of one table by one of its columns, batched per request. */
export function loadRowsBy<Key extends string | number, Row>(
  context: Context,
  shape: string,
  select: { columns: SQL; from: SQL },
  keyColumn: SQL,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row | null> {
  return loadByKey<Key, Row>(context, shape, (keys) => rowsByKeyQuery(select, keyColumn, keys), keyOf);
}

/** Many rows per key (citations of a facility, observations of a conflict group), batched per request. */
export function loadGroupedByKey<Key extends string | number, Row>(
  context: Context,
  shape: string,
  query: (keys: readonly Key[]) => SQL,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row[]> {
  return context.loaders.get(
    `groups:${shape}`,
    () =>
      new DataLoader<Key, Row[]>(async (keys) => {
        const rows = await context.db.rows<Row>(query(keys));
        const byKey = new Map<Key, Row[]>();
        for (const row of rows) {
          const key = keyOf(row);
          let group = byKey.get(key);
          if (!group) byKey.set(key, (group = []));
          group.push(row);
        }
        return keys.map((key) => byKey.get(key) ?? []);
      }),
  );
}
