import { sql, type SQL } from 'drizzle-orm';
import { divisions, organizations } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { col, columnsOf, idIn, isAnyOf, propertiesOf } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { composed, changedSince } from '../../graphql/filters.js';
import { References } from '../../graphql/references.js';
import type { BelongsTo, ListQuery, SortKey } from '../../graphql/relay/keyset.js';
import { loadRowsBy } from '../../graphql/relay/load.js';
import { matchesText, relevanceKey, searchTerms } from '../search/match.js';
import { divisionSubtreeIds, divisionSubtreeIdsOf } from './subtree.js';
import type { DivisionFilter, DivisionRow, OrganizationFilter, OrganizationRow } from './types.js';

const d = 'd';
const o = 'org';
const divisionColumns = columnsOf(divisions, d);
const organizationColumns = columnsOf(organizations, o);
const divisionTable = liveTableAs(divisions, d);
const organizationTable = liveTableAs(organizations, o);
export const nameColumns = ['name_zh', 'name_en'];
const ascending = (alias: string, column: string, type: SortKey['type'], name: string): SortKey => ({
  expression: col(alias, column),
  type,
  direction: 'asc',
  name,
});

/** The ids of the divisions with these codes and of every division under them, at any depth: a query for idIn(). */
export function divisionSubtreesOf(codes: readonly string[]): SQL {
  if (codes.length === 1) return divisionSubtreeIds(codes[0]!);
  return divisionSubtreeIdsOf(sql`any(array(select ${divisions.id} from ${divisions} where ${isAnyOf(sql`${divisions.code}`, codes)}))`);
}

export function divisionConditions(filter: DivisionFilter | null | undefined, alias: string, references: References): SQL[] {
  return composed(filter, (filter) => {
    const where: SQL[] = [];
    if (filter.updatedSince != null) where.push(changedSince('divisions', alias, filter.updatedSince));
    if (filter.level) where.push(isAnyOf(col(alias, 'level'), filter.level));
    if (filter.code) {
      references.add('division', filter.code);
      where.push(isAnyOf(col(alias, 'code'), filter.code));
    }
    if (filter.parentCode != null) {
      references.add('division', filter.parentCode);
      where.push(sql`${col(alias, 'parent_id')} = (select ${divisions.id} from ${divisions} where ${divisions.code} = ${filter.parentCode})`);
    }
    if (filter.withinCode != null) {
      references.add('division', filter.withinCode);
      where.push(idIn(col(alias, 'id'), divisionSubtreeIds(filter.withinCode)));
    }
    if (filter.verified != null) where.push(sql`${col(alias, 'verified')} = ${filter.verified}`);
    const terms = searchTerms(filter.search);
    if (terms) where.push(matchesText(alias, terms, nameColumns));
    return where;
  });
}

export function organizationConditions(filter: OrganizationFilter | null | undefined, alias: string, references: References): SQL[] {
  return composed(filter, (filter) => {
    const where: SQL[] = [];
    if (filter.updatedSince != null) where.push(changedSince('organizations', alias, filter.updatedSince));
    if (filter.kind) where.push(isAnyOf(col(alias, 'kind'), filter.kind));
    if (filter.slug) {
      references.add('organization', filter.slug);
      where.push(isAnyOf(col(alias, 'slug'), filter.slug));
    }
    if (filter.divisionCode) {
      references.add('division', filter.divisionCode);
      where.push(idIn(col(alias, 'division_id'), divisionSubtreesOf(filter.divisionCode)));
    }
    const terms = searchTerms(filter.search);
    if (terms) where.push(matchesText(alias, terms, nameColumns));
    return where;
  });
}

export function divisionList(filter?: DivisionFilter | null): ListQuery {
  const references = new References();
  // Codes sort parents before children and follow the standard's own order.
  const order = [ascending(d, 'code', 'text', 'CODE'), ascending(d, 'id', 'integer', 'ID')];
  return {
    columns: divisionColumns,
    from: divisionTable,
    where: divisionConditions(filter, d, references),
    order: filter?.search ? [relevanceKey(d, filter.search, nameColumns), ...order] : order,
    references,
  };
}

export function organizationList(filter?: OrganizationFilter | null): ListQuery {
  const references = new References();
  const order = [ascending(o, 'slug', 'text', 'SLUG'), ascending(o, 'id', 'integer', 'ID')];
  return {
    columns: organizationColumns,
    from: organizationTable,
    where: organizationConditions(filter, o, references),
    order: filter?.search ? [relevanceKey(o, filter.search, nameColumns), ...order] : order,
    references,
  };
}

/** Children of a division in a nested list. */
export const childDivisionOf: BelongsTo = (parentId) => sql`${col(d, 'parent_id')} = ${parentId}`;

export const divisionById = (context: Context) =>
  loadRowsBy<number, DivisionRow>(context, 'division.id', { columns: divisionColumns, from: divisionTable }, col(d, 'id'), (row) => row.id);

/**
 * Divisions read in another statement, so that no statement of their own is needed: the live division
 * joined under an alias, its row's columns, and the division's row taken from a row read.
 */
export const divisionsBeside = {
  join: (alias: string, id: SQL) => sql` left join ${liveTableAs(divisions, alias)} on ${col(alias, 'id')} = ${id}`,
  /** Built once per alias (aliases are the code's own, a few). */
  columns(alias: string): SQL {
    let columns = divisionColumnsByAlias.get(alias);
    if (!columns) divisionColumnsByAlias.set(alias, (columns = columnsOf(divisions, alias)));
    return columns;
  },
  /** The division's row in a row read with its columns; null where the join found no live division. */
  rowOf(row: Record<string, unknown>): DivisionRow | null {
    if (row.id == null) return null;
    const division = {} as Record<string, unknown>;
    for (const property of divisionProperties) division[property] = row[property];
    return division as DivisionRow;
  },
};
const divisionProperties = propertiesOf(divisions);
const divisionColumnsByAlias = new Map<string, SQL>();

export const divisionByCode = (context: Context) =>
  loadRowsBy<string, DivisionRow>(context, 'division.code', { columns: divisionColumns, from: divisionTable }, col(d, 'code'), (row) => row.code);

export const organizationById = (context: Context) =>
  loadRowsBy<number, OrganizationRow>(context, 'organization.id', { columns: organizationColumns, from: organizationTable }, col(o, 'id'), (row) => row.id);

export const organizationBySlug = (context: Context) =>
  loadRowsBy<string, OrganizationRow>(
    context,
    'organization.slug',
    { columns: organizationColumns, from: organizationTable },
    col(o, 'slug'),
    (row) => row.slug,
  );
