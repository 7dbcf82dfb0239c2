import { sql } from 'drizzle-orm';
import { sources } from '../../db/tables/index.js';
import { col, columnsOf, isAnyOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { loadByKey } from '../../graphql/relay/load.js';
import type { ListQuery } from '../../graphql/relay/keyset.js';
import type { SourceRow } from './types.js';

const s = 's';

export function sourceList(): ListQuery {
  return {
    columns: columnsOf(sources, s),
    from: tableAs(sources, s),
    where: [],
    order: [{ expression: col(s, 'id'), type: 'integer', direction: 'asc', name: 'id' }],
  };
}

export const sourceById = (context: Context) =>
  loadByKey<number, SourceRow>(context, 'source.id', (ids) => sql`select ${columnsOf(sources, s)} from ${tableAs(sources, s)} where ${isAnyOf(col(s, 'id'), ids)}`, (row) => row.id);

export const sourceBySlug = (context: Context) =>
  loadByKey<string, SourceRow>(context, 'source.slug', (slugs) => sql`select ${columnsOf(sources, s)} from ${tableAs(sources, s)} where ${isAnyOf(col(s, 'slug'), slugs)}`, (row) => row.slug);
