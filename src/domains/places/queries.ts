import { sql, type SQL } from 'drizzle-orm';
import { divisions, organizations } from '../../db/tables/index.js';
import { col, columnsOf, containsText, isAnyOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import type { ListQuery, SortKey } from '../../graphql/relay/keyset.js';
import { loadByKey } from '../../graphql/relay/load.js';
import { searchText } from '../facilities/queries.js';
import type { DivisionFilter, DivisionRow, OrganizationFilter, OrganizationRow } from './types.js';

const d = 'd';
const o = 'org';
const divisionColumns = columnsOf(divisions, d);
const organizationColumns = columnsOf(organizations, o);
const ascending = (alias: string, column: string, type: SortKey['type'], name: string): SortKey => ({ expression: col(alias, column), type, direction: 'asc', name });

export function divisionList(filter?: DivisionFilter | null, extra: SQL[] = []): ListQuery {
  const where = [...extra];
  if (filter?.level) where.push(isAnyOf(col(d, 'level'), filter.level));
  if (filter?.parentCode != null) where.push(sql`${col(d, 'parent_id')} = (select ${divisions.id} from ${divisions} where ${divisions.code} = ${filter.parentCode})`);
  const search = searchText(filter?.search);
  if (search) where.push(containsText(search, [col(d, 'name_zh'), col(d, 'name_en')]));
  // Codes sort parents before children and follow the standard's own order.
  return { columns: divisionColumns, from: tableAs(divisions, d), where, order: [ascending(d, 'code', 'text', 'CODE'), ascending(d, 'id', 'integer', 'ID')] };
}

export function organizationList(filter?: OrganizationFilter | null): ListQuery {
  const where: SQL[] = [];
  if (filter?.kind) where.push(isAnyOf(col(o, 'kind'), filter.kind));
  const search = searchText(filter?.search);
  if (search) where.push(containsText(search, [col(o, 'name_zh'), col(o, 'name_en')]));
  return { columns: organizationColumns, from: tableAs(organizations, o), where, order: [ascending(o, 'slug', 'text', 'SLUG'), ascending(o, 'id', 'integer', 'ID')] };
}

/** Children of a division in a nested list. */
export const childDivisionOf = (parentId: SQL) => sql`${col(d, 'parent_id')} = ${parentId}`;

export const divisionById = (context: Context) =>
  loadByKey<number, DivisionRow>(context, 'division.id', (ids) => sql`select ${divisionColumns} from ${tableAs(divisions, d)} where ${isAnyOf(col(d, 'id'), ids)}`, (row) => row.id);

export const divisionByCode = (context: Context) =>
  loadByKey<string, DivisionRow>(context, 'division.code', (codes) => sql`select ${divisionColumns} from ${tableAs(divisions, d)} where ${isAnyOf(col(d, 'code'), codes)}`, (row) => row.code);

export const organizationById = (context: Context) =>
  loadByKey<number, OrganizationRow>(context, 'organization.id', (ids) => sql`select ${organizationColumns} from ${tableAs(organizations, o)} where ${isAnyOf(col(o, 'id'), ids)}`, (row) => row.id);

export const organizationBySlug = (context: Context) =>
  loadByKey<string, OrganizationRow>(context, 'organization.slug', (slugs) => sql`select ${organizationColumns} from ${tableAs(organizations, o)} where ${isAnyOf(col(o, 'slug'), slugs)}`, (row) => row.slug);
