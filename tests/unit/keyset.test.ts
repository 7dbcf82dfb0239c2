import { sql, type SQL } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { renderSql } from '../../src/db/renderSql.js';
import { col } from '../../src/db/sqlParts.js';
import { decodeCursor, encodeCursor } from '../../src/graphql/relay/cursor.js';
import {
  lookupWithPageQuery,
  nestedCountQuery,
  nestedPageQuery,
  rootCountQuery,
  rootPageQuery,
  toPage,
  type BelongsTo,
  type ListQuery,
  type SortKey,
} from '../../src/graphql/relay/keyset.js';
import type { PageRequest } from '../../src/graphql/relay/pageArgs.js';

/** A statement as sent: whitespace collapsed, parameters beside it. */
function sent(query: SQL): { sql: string; params: unknown[] } {
  const out = renderSql(query)!;
  return { sql: out.sql.replace(/\s+/g, ' ').trim(), params: out.params };
}

const id: SortKey = { name: 'id', expression: col('f', 'id'), type: 'integer', direction: 'asc' };
const slug: SortKey = { name: 'slug', expression: col('f', 'slug'), type: 'text', direction: 'asc' };
const value: SortKey = { name: 'value', expression: col('f', 'value'), type: 'double precision', direction: 'desc' };
const schools = sql`"f"."category" = ${'school'}`;
const list = (order: SortKey[], where: SQL[] = [schools]): ListQuery => ({ columns: sql`"f"."id" as "id"`, from: sql`"facilities" as "f"`, where, order });
const forward = (size: number, cursor: string | null = null): PageRequest => ({ size, backward: false, cursor });
const backward = (size: number, cursor: string | null = null): PageRequest => ({ size, backward: true, cursor });
const inDivision: BelongsTo = (parent) => sql`"f"."division_id" = ${parent}`;

function refusal(work: () => unknown): GraphQLError {
  try {
    work();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
}

describe('cursors', () => {
  it('round-trip the ordering and the sort key values', () => {
    const cursor = encodeCursor('slug asc, id asc', ['jiefang-road-primary', '42']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // base64url: safe in a URL as it is
    expect(decodeCursor(cursor, 'slug asc, id asc', 2)).toEqual(['jiefang-road-primary', '42']);
    expect(decodeCursor(encodeCursor('name desc', ['大渡口区 "引号"']), 'name desc', 1)).toEqual(['大渡口区 "引号"']);
  });

  it('refuse anything not made by this list, saying what to pass', () => {
    const notACursor = (cursor: string) => refusal(() => decodeCursor(cursor, 'slug asc, id asc', 2));
    const made = (...parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    for (const cursor of [
      '',
      'not a cursor',
      made('slug asc, id asc', 'a'),
      made('slug asc, id asc', 'a', '1', '2'),
      made('slug asc, id asc', 'a', 1),
      made(7, 'a', '1'),
    ]) {
      const error = notACursor(cursor);
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'cursor' });
      expect(error.message).toBe(`"${cursor}" is not a cursor of this list. Pass a \`cursor\`, \`startCursor\` or \`endCursor\` this list returned.`);
    }
    const otherOrdering = notACursor(encodeCursor('name asc, id asc', ['a', '1']));
    expect(otherOrdering.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'cursor' });
    expect(otherOrdering.message).toBe(
      'This cursor was made for another ordering (name asc, id asc); this list is ordered by slug asc, id asc. Keep the same `orderBy` while paging.',
    );
  });

  it('a cursor of another ordering is refused before any SQL is built', () => {
    const cursor = encodeCursor('slug desc, id desc', ['b', '7']);
    expect(refusal(() => rootPageQuery(list([slug, id]), forward(2, cursor))).message).toMatch(
      /^This cursor was made for another ordering \(slug desc, id desc\)/,
    );
    expect(refusal(() => nestedPageQuery(list([slug, id]), inDivision, [1], forward(2, cursor))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'cursor',
    });
  });
});

describe('root pages', () => {
  it('one key, first page: its filter, its order, LIMIT size + 1 as a literal, its sort key selected for cursors', () => {
    expect(sent(rootPageQuery(list([id]), forward(2)))).toEqual({
      sql: 'select "f"."id" as "id", cast("f"."id" as text) as "__k0" from "facilities" as "f" where ("f"."category" = $1) order by "f"."id" asc limit 3',
      params: ['school'],
    });
  });

  it('one key descending, after a cursor: the rows below it', () => {
    expect(sent(rootPageQuery(list([{ ...id, direction: 'desc' }], []), forward(2, encodeCursor('id desc', ['7']))))).toEqual({
      sql: 'select "f"."id" as "id", cast("f"."id" as text) as "__k0" from "facilities" as "f" where (("f"."id") < (cast($1 as integer))) order by "f"."id" desc limit 3',
      params: ['7'],
    });
  });

  it('two keys one way: a row comparison, text compared by code point (collate "C")', () => {
    const cursor = encodeCursor('slug asc, id asc', ['b', '7']);
    expect(sent(rootPageQuery(list([slug, id]), forward(2, cursor)))).toEqual({
      sql:
        'select "f"."id" as "id", cast("f"."slug" as text) as "__k0", cast("f"."id" as text) as "__k1" from "facilities" as "f"' +
        ' where ("f"."category" = $1) and ((("f"."slug") collate "C", "f"."id") > (cast($2 as text), cast($3 as integer)))' +
        ' order by ("f"."slug") collate "C" asc, "f"."id" asc limit 3',
      params: ['school', 'b', '7'],
    });
  });

  it('backward (last/before): every direction flipped, rows before the cursor', () => {
    const cursor = encodeCursor('slug asc, id asc', ['b', '7']);
    expect(sent(rootPageQuery(list([slug, id]), backward(2, cursor))).sql).toBe(
      'select "f"."id" as "id", cast("f"."slug" as text) as "__k0", cast("f"."id" as text) as "__k1" from "facilities" as "f"' +
        ' where ("f"."category" = $1) and ((("f"."slug") collate "C", "f"."id") < (cast($2 as text), cast($3 as integer)))' +
        ' order by ("f"."slug") collate "C" desc, "f"."id" desc limit 3',
    );
  });

  it('three keys in mixed directions: one branch per key, the keys before it equal', () => {
    const cursor = encodeCursor('value desc, slug asc, id asc', ['1.5', 'b', '7']);
    expect(sent(rootPageQuery(list([value, slug, id]), forward(2, cursor)))).toEqual({
      sql:
        'select "f"."id" as "id", cast("f"."value" as text) as "__k0", cast("f"."slug" as text) as "__k1", cast("f"."id" as text) as "__k2" from "facilities" as "f"' +
        ' where ("f"."category" = $1) and ((("f"."value" < cast($2 as double precision))' +
        ' or ("f"."value" = cast($3 as double precision) and ("f"."slug") collate "C" > cast($4 as text))' +
        ' or ("f"."value" = cast($5 as double precision) and ("f"."slug") collate "C" = cast($6 as text) and "f"."id" > cast($7 as integer))))' +
        ' order by "f"."value" desc, ("f"."slug") collate "C" asc, "f"."id" asc limit 3',
      params: ['school', '1.5', '1.5', 'b', '1.5', 'b', '7'],
    });
    const back = sent(rootPageQuery(list([value, slug, id]), backward(2, cursor))).sql;
    expect(back).toContain(
      '(("f"."value" > cast($2 as double precision)) or ("f"."value" = cast($3 as double precision) and ("f"."slug") collate "C" < cast($4 as text))',
    );
    expect(back).toContain('order by "f"."value" asc, ("f"."slug") collate "C" desc, "f"."id" desc limit 3');
  });

  it('a null in a cursor travels as a NULL parameter, never as text (sort keys are never null: it matches nothing)', () => {
    const cursor = encodeCursor('value desc, slug asc, id asc', [null, 'b', '7']);
    expect(sent(rootPageQuery(list([value, slug, id]), forward(2, cursor))).params).toEqual(['school', null, null, 'b', null, 'b', '7']);
  });

  it("a cursor's values are parameters, never statement text", () => {
    const hostile = `b') or true; drop table facilities; --`;
    const out = sent(rootPageQuery(list([slug, id]), forward(2, encodeCursor('slug asc, id asc', [hostile, '7']))));
    expect(out.params).toEqual(['school', hostile, '7']);
    expect(out.sql).not.toContain('drop table');
  });

  it('without cursors the sort keys are not selected', () => {
    expect(sent(rootPageQuery({ ...list([slug, id]), cursors: false }, forward(5))).sql).toBe(
      'select "f"."id" as "id" from "facilities" as "f" where ("f"."category" = $1) order by ("f"."slug") collate "C" asc, "f"."id" asc limit 6',
    );
  });

  it('counts with the filters and without the cursor', () => {
    expect(sent(rootCountQuery(list([slug, id])))).toEqual({
      sql: 'select count(*)::int as "count" from "facilities" as "f" where ("f"."category" = $1)',
      params: ['school'],
    });
    expect(sent(rootCountQuery(list([slug, id], [])))).toEqual({ sql: 'select count(*)::int as "count" from "facilities" as "f"', params: [] });
  });
});

describe('nested pages: one statement for all parents', () => {
  it('a LATERAL page per parent, the parents as one int[] parameter', () => {
    const two = sent(nestedPageQuery(list([slug, id]), inDivision, [3, 1], forward(2)));
    expect(two).toEqual({
      sql:
        'select "__parent"."id" as "__parent", "__page".* from unnest($1::int[]) as "__parent"("id") cross join lateral' +
        ' (select "f"."id" as "id", cast("f"."slug" as text) as "__k0", cast("f"."id" as text) as "__k1",' +
        ' row_number() over (order by ("f"."slug") collate "C" asc, "f"."id" asc) as "__rank" from "facilities" as "f"' +
        ' where ("f"."division_id" = "__parent"."id") and ("f"."category" = $2) order by ("f"."slug") collate "C" asc, "f"."id" asc limit 3) as "__page"' +
        ' order by "__parent"."id", "__page"."__rank"',
      params: [[3, 1], 'school'],
    });
    // Fifty parents: the same text, so PostgreSQL reuses the prepared statement.
    const fifty = sent(
      nestedPageQuery(
        list([slug, id]),
        inDivision,
        Array.from({ length: 50 }, (_, i) => i + 1),
        forward(2),
      ),
    );
    expect(fifty.sql).toBe(two.sql);
  });

  it('counts per parent in one statement', () => {
    expect(sent(nestedCountQuery(list([slug, id]), inDivision, [3, 1]))).toEqual({
      sql:
        'select "__parent"."id" as "__parent", (select count(*)::int from "facilities" as "f" where ("f"."division_id" = "__parent"."id") and ("f"."category" = $1)) as "count"' +
        ' from unnest($2::int[]) as "__parent"("id")',
      params: ['school', [3, 1]],
    });
  });

  it('a looked-up row and its page in one statement, the row as JSON on the first row', () => {
    const lookup = sql`select * from "divisions" where "code" = ${'500104'}`;
    expect(sent(lookupWithPageQuery(lookup, list([slug, id]), inDivision, forward(2)))).toEqual({
      sql:
        'select case when coalesce("__page"."__rank", 1) = 1 then to_json("__parent") end as "__row", "__page".*' +
        ' from (select * from "divisions" where "code" = $1) as "__parent" left join lateral' +
        ' (select "f"."id" as "id", cast("f"."slug" as text) as "__k0", cast("f"."id" as text) as "__k1",' +
        ' row_number() over (order by ("f"."slug") collate "C" asc, "f"."id" asc) as "__rank" from "facilities" as "f"' +
        ' where ("f"."division_id" = "__parent"."id") and ("f"."category" = $2) order by ("f"."slug") collate "C" asc, "f"."id" asc limit 3) as "__page" on true' +
        ' order by "__page"."__rank"',
      params: ['500104', 'school'],
    });
  });
});

describe('toPage', () => {
  const rows = (...ids: number[]) => ids.map((n) => ({ id: n, __k0: `s${n}`, __k1: String(n) }));
  const order = [slug, id];

  it('forward: keeps size rows, a next page when one more came back, a previous one after a cursor', () => {
    const first = toPage<{ id: number }>(list(order), forward(2), rows(1, 2, 3));
    expect(first.rows.map((r) => r.row.id)).toEqual([1, 2]);
    expect([first.hasNextPage, first.hasPreviousPage]).toEqual([true, false]);
    expect(decodeCursor(first.rows[1]!.cursor, 'slug asc, id asc', 2)).toEqual(['s2', '2']);
    const last = toPage(list(order), forward(2, first.rows[1]!.cursor), rows(3));
    expect([last.hasNextPage, last.hasPreviousPage]).toEqual([false, true]);
  });

  it('backward: rows fetched in reverse are put back in list order', () => {
    const page = toPage<{ id: number }>(list(order), backward(2, encodeCursor('slug asc, id asc', ['s9', '9'])), rows(8, 7, 6));
    expect(page.rows.map((r) => r.row.id)).toEqual([7, 8]);
    expect([page.hasNextPage, page.hasPreviousPage]).toEqual([true, true]);
  });

  it('refuses to make a cursor of a row fetched without its sort keys', () => {
    const page = toPage(list(order), forward(2), [{ id: 1 }]);
    expect(() => page.rows[0]!.cursor).toThrow('A cursor was read from a row fetched without its sort keys (see projection.ts).');
  });
});
