import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { openTestDatabase } from '../support/databases.js';

// A past read runs the same SQL on the `as_of` views (src/db/pastRead.ts), and the history triggers copy every
// column of a written row into its twin: a migration that changes a tracked table and not its twin and view
// would break past reads, or every write to that table. This holds the three in step, whatever migrations come.
let db: Database & { name: string };
beforeAll(async () => {
  db = await openTestDatabase(inject('seeded'));
});
afterAll(async () => {
  await db?.close();
});

type Column = { table: string; column: string; type: string };

async function columnsIn(schema: string): Promise<Map<string, Column[]>> {
  const rows = await db.rows<Column>(sql`select table_name as "table", column_name as "column", data_type as "type"
    from information_schema.columns where table_schema = ${schema} order by table_name, ordinal_position`);
  const tables = new Map<string, Column[]>();
  for (const row of rows) tables.set(row.table, [...(tables.get(row.table) ?? []), row]);
  return tables;
}
// Compared as sets: a column added later comes after the twin's versions, and history_capture names columns.
const shape = (columns: Column[] | undefined) => (columns ?? []).map(({ column, type }) => `${column} ${type}`).sort();

describe('history twins and past-read views', () => {
  it('every tracked table has a twin with its columns and the two versions, and a view with exactly its columns', async () => {
    const [tables, twins, views] = await Promise.all([columnsIn('public'), columnsIn('history'), columnsIn('as_of')]);
    const tracked = [...views.keys()].sort();
    expect(tracked.length).toBeGreaterThanOrEqual(16);
    expect(tracked).toEqual(expect.arrayContaining(['facilities', 'programs', 'divisions', 'organizations', 'indicators', 'observations', 'sources']));
    expect([...twins.keys()].filter((name) => name !== 'versions').sort()).toEqual(tracked);
    for (const table of tracked) {
      expect(shape(views.get(table)), `as_of.${table}`).toEqual(shape(tables.get(table)));
      expect(shape(twins.get(table)), `history.${table}`).toEqual([...shape(tables.get(table)), 'valid_from bigint', 'valid_to bigint'].sort());
    }
  });

  it('every tracked table records its inserts, updates and deletes', async () => {
    const triggers = await db.rows<{ table: string; event: string }>(sql`select event_object_table as "table", event_manipulation as "event"
      from information_schema.triggers where trigger_schema = 'public' and trigger_name like 'history_%'`);
    const views = await columnsIn('as_of');
    for (const table of views.keys()) {
      const events = triggers.filter((trigger) => trigger.table === table).map((trigger) => trigger.event);
      expect(events.sort(), table).toEqual(['DELETE', 'INSERT', 'UPDATE']);
    }
  });

  it('every btree index of a twin ends with the versions, so that a past read passes over other versions in the index', async () => {
    const indexes = await db.rows<{ name: string; definition: string }>(sql`select x.relname as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
      join pg_class x on x.oid = i.indexrelid join pg_am a on a.oid = x.relam
      where n.nspname = 'history' and a.amname = 'btree' and t.relname <> 'versions' and x.relname not like '%valid_from_idx'`);
    expect(indexes.length).toBeGreaterThanOrEqual(16);
    for (const { name, definition } of indexes) {
      const keys = /USING btree \((.*?)\)(?: INCLUDE \(.*?\))?(?: WHERE .*)?$/.exec(definition)?.[1];
      expect(keys, name).toMatch(/, valid_from, COALESCE\(valid_to, '9223372036854775807'::bigint\)$/);
    }
    const [view] = await db.rows<{ definition: string }>(sql`select pg_get_viewdef('as_of.observations'::regclass) as definition`);
    // Deparsed with or without the table's name on the column, as the server chooses.
    expect(view!.definition).toMatch(/COALESCE\((observations\.)?valid_to, '9223372036854775807'::bigint\) > minsheng_as_of\(\)/);
  });
});
