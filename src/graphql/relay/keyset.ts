import { sql, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { References } from '../references.js';
import type { PageRequest } from './pageArgs.js';

/**
 * Keyset ("seek") pagination: a page starts where the cursor's sort key values end, so page 1,000 costs
 * what page 1 costs and rows added meanwhile neither repeat nor vanish. No OFFSET anywhere.
 */

export interface SortKey {
  /** The SQL expression sorted on; never null (nullable columns would break the comparison). */
  expression: SQL;
  /** Its PostgreSQL type, to cast cursor values back (they travel as text). */
  type: 'text' | 'integer' | 'date' | 'double precision';
  direction: 'asc' | 'desc';
  /** A public name for the key, recorded in the cursor. */
  name: string;
}

/** How a nested list's rows belong to a parent, given the parent's id as SQL (e.g. f.division_id = parent). */
export type BelongsTo = (parentId: SQL) => SQL;
const parentRef = sql`"__parent"."id"`;

/** One list: what a row is, where it comes from, its filters, and its total order (last key unique). */
export interface ListQuery {
  columns: SQL;
  from: SQL;
  where: SQL[];
  order: SortKey[];
  /** Codes and slugs the filter names, checked when the list comes back empty. */
  references?: References;
  /** false: nobody reads a cursor, so the sort keys are not selected (default true). */
  cursors?: boolean;
}

export interface PageRow<Row> {
  row: Row;
  readonly cursor: string;
}

/**
 * A fetched row and, on demand, its cursor: most clients ask for nodes and the end cursor, so encoding a
 * cursor for every row of every page would be work thrown away. The row is the driver's object as it came
 * (its extra "__k…" sort key columns are never exposed: GraphQL reads only the fields asked for).
 */
class KeysetRow<Row> implements PageRow<Row> {
  constructor(
    readonly row: Row,
    private readonly ordering: string,
    private readonly keyCount: number,
  ) {}

  get cursor(): string {
    const raw = this.row as KeyedRow;
    // Never silently a cursor of nulls: the projection left the keys out only where no cursor is selected.
    if (this.keyCount > 0 && !('__k0' in raw)) throw new Error('A cursor was read from a row fetched without its sort keys (see projection.ts).');
    const values: (string | null)[] = [];
    for (let i = 0; i < this.keyCount; i++) values.push(raw[`__k${i}`] as string | null);
    return encodeCursor(this.ordering, values);
  }
}

export interface Page<Row> {
  rows: PageRow<Row>[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

type Direction = 'asc' | 'desc';
const flip = (d: Direction): Direction => (d === 'asc' ? 'desc' : 'asc');
const orderingName = (order: SortKey[]) => order.map((k) => `${k.name} ${k.direction}`).join(', ');
const keyAlias = (i: number) => sql.raw(`"__k${i}"`);

/**
 * Text keys sort by code point (COLLATE "C") on every server: PostgreSQL's default collation follows the
 * server's locale (en_US ignores hyphens, PGlite uses C), and pages must not depend on where they run.
 * The text sort indexes are built with the same collation, so they still serve these orders.
 */
function sortExpression(key: SortKey): SQL {
  return key.type === 'text' ? sql`(${key.expression}) collate "C"` : key.expression;
}

function directionOf(key: SortKey, backward: boolean): Direction {
  return backward ? flip(key.direction) : key.direction;
}

/** Rows strictly after the cursor in the reading direction. */
function afterCursor(order: SortKey[], values: (string | null)[], backward: boolean): SQL {
  const cast = (i: number) => sql`cast(${values[i]} as ${sql.raw(order[i]!.type)})`;
  const directions = order.map((k) => directionOf(k, backward));
  if (directions.every((d) => d === directions[0])) {
    // One direction: a row comparison, which a composite index serves directly.
    const op = sql.raw(directions[0] === 'asc' ? '>' : '<');
    return sql`(${sql.join(order.map(sortExpression), sql`, `)}) ${op} (${sql.join(
      order.map((_, i) => cast(i)),
      sql`, `,
    )})`;
  }
  const branches = order.map((key, i) => {
    const equalBefore = order.slice(0, i).map((k, j) => sql`${sortExpression(k)} = ${cast(j)}`);
    const op = sql.raw(directions[i] === 'asc' ? '>' : '<');
    return sql.join([...equalBefore, sql`${sortExpression(key)} ${op} ${cast(i)}`], sql` and `);
  });
  return sql`(${sql.join(
    branches.map((b) => sql`(${b})`),
    sql` or `,
  )})`;
}

function orderBy(order: SortKey[], backward: boolean): SQL {
  return sql.join(
    order.map((k) => sql`${sortExpression(k)} ${sql.raw(directionOf(k, backward))}`),
    sql`, `,
  );
}

function conditions(list: ListQuery, request: PageRequest, extra: SQL[] = []): SQL {
  const all = [...extra, ...list.where];
  if (request.cursor) all.push(afterCursor(list.order, decodeCursor(request.cursor, orderingName(list.order), list.order.length), request.backward));
  return all.length
    ? sql`where ${sql.join(
        all.map((c) => sql`(${c})`),
        sql` and `,
      )}`
    : sql``;
}

function selection(list: ListQuery): SQL {
  if (list.cursors === false) return list.columns;
  const keys = list.order.map((k, i) => sql`cast(${k.expression} as text) as ${keyAlias(i)}`);
  return sql.join([list.columns, ...keys], sql`, `);
}

/**
 * LIMIT as a literal (a page size is a checked integer up to MAX_PAGE_SIZE): a plan prepared once then knows
 * it stops after a page, where a parameter would leave it guessing; at most 101 statement texts per list.
 */
const pageLimit = (request: PageRequest) => sql.raw(String(Math.trunc(request.size) + 1));

/** SQL for one page of a top-level list. */
export function rootPageQuery(list: ListQuery, request: PageRequest): SQL {
  return sql`select ${selection(list)} from ${list.from} ${conditions(list, request)}
    order by ${orderBy(list.order, request.backward)} limit ${pageLimit(request)}`;
}

/**
 * SQL for one page of a nested list for many parents at once: a LATERAL subquery per parent, so each
 * parent's page uses the index and the statement count does not depend on how many parents there are.
 */
export function nestedPageQuery(list: ListQuery, belongsTo: BelongsTo, parentIds: number[], request: PageRequest): SQL {
  return sql`select "__parent"."id" as "__parent", "__page".* from ${parents(parentIds)}
    cross join lateral (${pageOfParent(list, belongsTo, request)}) as "__page" order by "__parent"."id", "__page"."__rank"`;
}

/**
 * SQL for a row looked up by key (`lookup`, at most one row) and one page of its nested list: the row as
 * JSON in "__row" of the first result row (the page's columns beside it, null when the page is empty).
 */
export function lookupWithPageQuery(lookup: SQL, list: ListQuery, belongsTo: BelongsTo, request: PageRequest): SQL {
  return sql`select case when coalesce("__page"."__rank", 1) = 1 then to_json("__parent") end as "__row", "__page".*
    from (${lookup}) as "__parent" left join lateral (${pageOfParent(list, belongsTo, request)}) as "__page" on true
    order by "__page"."__rank"`;
}

/** The page of the parent "__parent", its rows ranked in page order. */
function pageOfParent(list: ListQuery, belongsTo: BelongsTo, request: PageRequest): SQL {
  return sql`select ${selection(list)}, row_number() over (order by ${orderBy(list.order, request.backward)}) as "__rank"
      from ${list.from} ${conditions(list, request, [belongsTo(parentRef)])}
      order by ${orderBy(list.order, request.backward)} limit ${pageLimit(request)}`;
}

export function rootCountQuery(list: ListQuery): SQL {
  const where = list.where.length
    ? sql`where ${sql.join(
        list.where.map((c) => sql`(${c})`),
        sql` and `,
      )}`
    : sql``;
  return sql`select count(*)::int as "count" from ${list.from} ${where}`;
}

export function nestedCountQuery(list: ListQuery, belongsTo: BelongsTo, parentIds: number[]): SQL {
  const where = [belongsTo(parentRef), ...list.where];
  return sql`select "__parent"."id" as "__parent", (select count(*)::int from ${list.from}
    where ${sql.join(
      where.map((c) => sql`(${c})`),
      sql` and `,
    )}) as "count" from ${parents(parentIds)}`;
}

/** The parents of a nested list, as a relation "__parent"(id). */
function parents(parentIds: number[]): SQL {
  // One array parameter, not one per id: the statement text is the same for any number of parents, so
  // PostgreSQL reuses its prepared statement instead of planning a new text per page size.
  return sql`unnest(${sql.param(parentIds)}::int[]) as "__parent"("id")`;
}

type KeyedRow = Record<string, unknown>;

/** Turns the rows a page query returned (size + 1 at most) into a page with cursors and page info. */
export function toPage<Row>(list: ListQuery, request: PageRequest, fetched: KeyedRow[]): Page<Row> {
  const ordering = orderingName(list.order);
  const hasMore = fetched.length > request.size;
  const kept = fetched.slice(0, request.size);
  if (request.backward) kept.reverse();
  const rows = kept.map((raw) => new KeysetRow(raw as Row, ordering, list.order.length));
  // A valid cursor is itself a row on the other side, so there is a page that way.
  return request.backward
    ? { rows, hasPreviousPage: hasMore, hasNextPage: request.cursor != null }
    : { rows, hasNextPage: hasMore, hasPreviousPage: request.cursor != null };
}
