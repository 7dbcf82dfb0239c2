import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { facilityCitations, organizationCitations, programCitations, sources } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { col, columnsOf, isAnyOf } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { loadGroupedByKey, loadRowsBy } from '../../graphql/relay/load.js';
import type { ListQuery } from '../../graphql/relay/keyset.js';
import type { SourceRow } from './types.js';

const s = 's';
const sourceTable = liveTableAs(sources, s);

export function sourceList(): ListQuery {
  return {
    columns: columnsOf(sources, s),
    from: sourceTable,
    where: [],
    order: [{ expression: col(s, 'id'), type: 'integer', direction: 'asc', name: 'id' }],
  };
}

export const sourceById = (context: Context) =>
  loadRowsBy<number, SourceRow>(context, 'source.id', { columns: columnsOf(sources, s), from: sourceTable }, col(s, 'id'), (row) => row.id);

type CitationTable = typeof facilityCitations | typeof programCitations | typeof organizationCitations;

/** The citations of many facilities, programs or organizations, in their order: one statement per request. */
export function citationsOf(context: Context, shape: string, table: CitationTable, parentColumn: AnyPgColumn) {
  return loadGroupedByKey<number, { parentId: number; sourceId: number; quote: string }>(
    context,
    shape,
    (ids) => sql`select ${parentColumn} as "parentId", ${table.sourceId} as "sourceId", ${table.quote} as "quote"
      from ${table} where ${isAnyOf(sql`${parentColumn}`, ids)} order by ${parentColumn}, ${table.position}`,
    (row) => row.parentId,
  );
}
