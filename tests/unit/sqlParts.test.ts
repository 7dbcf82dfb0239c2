import { sql, type SQL } from 'drizzle-orm';
import { date, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { renderSql } from '../../src/db/renderSql.js';
import { AliasedColumns, col, columnsOf, hasValue, idIn, isAnyOf, propertiesOf, tableAs } from '../../src/db/sqlParts.js';

const render = (query: SQL) => {
  const out = renderSql(query)!;
  return { sql: out.sql, params: out.params };
};

// A small table like the real ones: an identity id, a date column (sent back as text) and a generated column.
const halls = pgTable('halls', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  nameZh: text('name_zh').notNull(),
  openedOn: date('opened_on', { mode: 'string' }),
  searchText: text('search_text').generatedAlwaysAs(sql`name_zh`),
});

describe('isAnyOf: three statement texts at most, whatever the list length', () => {
  const code = col('d', 'code');

  it('an empty list matches nothing, without a parameter', () => {
    expect(render(isAnyOf(code, []))).toEqual({ sql: 'false', params: [] });
  });

  it('one value is plain equality', () => {
    expect(render(isAnyOf(code, ['500104']))).toEqual({ sql: '"d"."code" = $1', params: ['500104'] });
    expect(render(isAnyOf(col('d', 'id'), [7]))).toEqual({ sql: '"d"."id" = $1', params: [7] });
  });

  it('several values go as one typed array parameter: int[] for ids, text[] for text', () => {
    expect(render(isAnyOf(col('d', 'id'), [3, 1, 2]))).toEqual({ sql: '"d"."id" = any($1::int[])', params: [[3, 1, 2]] });
    const two = render(isAnyOf(code, ['500104', '500104001']));
    const five = render(isAnyOf(code, ['a', 'b', 'c', 'd', 'e']));
    expect(two).toEqual({ sql: '"d"."code" = any($1::text[])', params: [['500104', '500104001']] });
    expect(five.sql).toBe(two.sql);
  });
});

describe('idIn', () => {
  const subquery = sql`select "program_id" from "program_facilities" where "facility_id" = ${5}`;

  it('many ids: = any(array(subquery)), which runs the subquery once', () => {
    expect(render(idIn(col('p', 'id'), subquery))).toEqual({
      sql: '"p"."id" = any(array(select "program_id" from "program_facilities" where "facility_id" = $1))',
      params: [5],
    });
  });

  it('at most one id: = (subquery)', () => {
    expect(render(idIn(col('p', 'id'), subquery, true)).sql).toBe('"p"."id" = (select "program_id" from "program_facilities" where "facility_id" = $1)');
  });
});

describe('small building blocks', () => {
  it('col, tableAs and hasValue', () => {
    expect(render(col('f', 'division_id')).sql).toBe('"f"."division_id"');
    expect(render(tableAs(halls, 'h')).sql).toBe('"halls" as "h"');
    expect(render(hasValue('f', 'operator_id', true)).sql).toBe('"f"."operator_id" is not null');
    expect(render(hasValue('f', 'operator_id', false)).sql).toBe('"f"."operator_id" is null');
  });
});

describe('columnsOf', () => {
  it('selects stored columns under their property names, dates as text, generated ones left out', () => {
    expect(propertiesOf(halls)).toEqual(['id', 'nameZh', 'openedOn']);
    expect(render(columnsOf(halls, 'h'))).toEqual({
      sql: '"h"."id" as "id", "h"."name_zh" as "nameZh", "h"."opened_on"::text as "openedOn"',
      params: [],
    });
  });

  it('selects only the properties asked for, in table order', () => {
    expect(render(columnsOf(halls, 'h', new Set(['openedOn', 'id']))).sql).toBe('"h"."id" as "id", "h"."opened_on"::text as "openedOn"');
  });

  it('AliasedColumns builds each projection once, and all columns without a projection', () => {
    const columns = new AliasedColumns(halls, 'h');
    expect(columns.select({ key: '*', properties: undefined, cursors: true })).toBe(columns.all);
    const names = { key: 'nameZh', properties: ['nameZh'], cursors: true };
    const first = columns.select(names);
    expect(render(first).sql).toBe('"h"."name_zh" as "nameZh"');
    expect(columns.select({ ...names })).toBe(first);
  });
});
