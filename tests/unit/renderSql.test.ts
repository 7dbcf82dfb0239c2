import { eq, sql, type SQL } from 'drizzle-orm';
import { date, integer, jsonb, pgSchema, pgTable, text } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pg-proxy';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { PLANNED_FOR_ITS_VALUES } from '../../src/db/planning.js';
import { renderSql } from '../../src/db/renderSql.js';

// renderSql must send exactly what Drizzle's own renderer would: every case is checked against it too.
const dialect = new PgDialect();

function rendered(query: SQL) {
  const ours = renderSql(query);
  expect(ours, 'renderSql declined a statement it should render').toBeDefined();
  const drizzles = dialect.sqlToQuery(query);
  expect({ sql: ours!.sql, params: ours!.params }).toEqual({ sql: drizzles.sql, params: drizzles.params });
  return ours!;
}

const places = pgTable('places', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  openedOn: date('opened_on', { mode: 'string' }),
});
const quirky = pgTable('odd"table', { weird: text('we"ird') });
const notes = pgTable('notes', { id: integer('id').primaryKey(), tags: integer('tags').array(), body: jsonb('body'), placeId: integer('place_id') });
// Drizzle's query builders, for the statements they make; nothing is sent.
const builders = drizzle(async () => ({ rows: [] }));

describe('renderSql', () => {
  it('numbers parameters in order through nested fragments', () => {
    const inner = sql`b = ${2} and c = ${sql`${3}`}`;
    expect(rendered(sql`select 1 where a = ${1} and ${inner} and d = ${'four'}`)).toEqual({
      sql: 'select 1 where a = $1 and b = $2 and c = $3 and d = $4',
      params: [1, 2, 3, 'four'],
      withValues: undefined,
    });
  });

  it('sends an array as one parameter, and null, booleans and dates as themselves', () => {
    const when = new Date('2023-06-30T00:00:00Z');
    const out = rendered(sql`select ${sql.param([1, 2, 3])}::int[], ${null}, ${true}, ${sql.param(when)}`);
    expect(out.sql).toBe('select $1::int[], $2, $3, $4');
    expect(out.params).toEqual([[1, 2, 3], null, true, when]);
  });

  it('quotes identifiers, tables and columns, doubling quotes inside them', () => {
    expect(rendered(sql`select ${sql.identifier('na"me')} from ${places}`).sql).toBe('select "na""me" from "places"');
    expect(rendered(sql`select ${places.name}, ${places.openedOn} from ${places}`).sql).toBe('select "places"."name", "places"."opened_on" from "places"');
    expect(rendered(sql`select ${quirky.weird} from ${quirky}`).sql).toBe('select "odd""table"."we""ird" from "odd""table"');
  });

  it('writes raw text as it is, and an empty fragment as nothing', () => {
    expect(rendered(sql`select ${sql.raw('"x"."y"')} from t ${sql``}where ${sql.raw('true')}`).sql).toBe('select "x"."y" from t where true');
    expect(rendered(sql.join([sql`a`, sql`b`, sql`c`], sql`, `)).sql).toBe('a, b, c');
  });

  it("maps a value bound to a column through the column's encoder", () => {
    expect(rendered(sql`select 1 from ${places} where ${eq(places.name, 'Dadukou')}`)).toMatchObject({
      sql: 'select 1 from "places" where "places"."name" = $1',
      params: ['Dadukou'],
    });
  });

  it('declines what it does not render itself, so Drizzle renders it', () => {
    const elsewhere = pgSchema('other').table('things', { id: integer('id') });
    expect(renderSql(sql`select * from ${elsewhere}`)).toBeUndefined();
    expect(renderSql(sql`select ${elsewhere.id}`)).toBeUndefined();
    expect(renderSql(sql`select ${{ an: 'object' }}`)).toBeUndefined();
    expect(renderSql(sql`select ${sql.param({ an: 'object' })}`)).toBeUndefined();
    expect(renderSql(sql`select ${new Date(0)}`)).toBeUndefined(); // a bare date, not sql.param(date)
    expect(renderSql(sql`select ${1}`.inlineParams())).toBeUndefined();
    expect(renderSql(sql`select ${sql.placeholder('later')}`)).toBeUndefined();
  });

  it("renders Drizzle's builders: an insert's column list and rows, defaults, JSON, arrays, an upsert, an update", () => {
    const insert = builders
      .insert(notes)
      .values([
        { id: 1, tags: [1, 2], body: { a: ['x'] } },
        { id: 2, body: null, placeId: 7 },
      ])
      .getSQL();
    expect(rendered(insert)).toMatchObject({
      sql: 'insert into "notes" ("id", "tags", "body", "place_id") values ($1, $2, $3, default), ($4, default, $5, $6)',
      params: [1, '{1,2}', '{"a":["x"]}', 2, null, 7],
    });
    const upsert = builders
      .insert(notes)
      .values({ id: 3 })
      .onConflictDoUpdate({ target: notes.id, set: { body: sql`excluded."body"` } })
      .returning({ id: notes.id })
      .getSQL();
    expect(rendered(upsert).sql).toBe(
      'insert into "notes" ("id", "tags", "body", "place_id") values ($1, default, default, default) on conflict ("id") do update set "body" = excluded."body" returning "id"',
    );
    expect(
      rendered(
        builders
          .update(notes)
          .set({ tags: [3] })
          .where(eq(notes.id, 4))
          .getSQL(),
      ),
    ).toMatchObject({
      sql: 'update "notes" set "tags" = $1 where "notes"."id" = $2',
      params: ['{3}', 4],
    });
  });

  it('writes the values in as literals only for a statement planned for its values', () => {
    expect(rendered(sql`select ${1}`).withValues).toBeUndefined();
    const planned = rendered(
      sql`${PLANNED_FOR_ITS_VALUES}select * from t where a = ${"it's"} and b = any(${sql.param(['x', 'y"z'])}) and c = ${2} and d = ${null}`,
    );
    expect(planned.sql).toBe('select * from t where a = $1 and b = any($2) and c = $3 and d = $4');
    expect(planned.withValues).toBe(`select * from t where a = 'it''s' and b = any('{"x","y\\"z"}') and c = '2' and d = NULL`);
  });

  it('keeps a planned statement prepared when a value has no literal form', () => {
    const planned = rendered(sql`${PLANNED_FOR_ITS_VALUES}select * from t where a = ${sql.param(new Date(0))}`);
    expect(planned.sql).toBe('select * from t where a = $1');
    expect(planned.withValues).toBeUndefined();
    expect(rendered(sql`${PLANNED_FOR_ITS_VALUES}select ${'nul\u0000byte'}`).withValues).toBeUndefined();
  });
});
