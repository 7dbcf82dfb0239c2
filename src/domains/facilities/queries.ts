import { sql, type SQL } from 'drizzle-orm';
import { facilities, facilityCitations, organizations } from '../../db/tables/index.js';
import { col, columnsOf, containsText, isAnyOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { badUserInput } from '../../graphql/errors.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { loadByKey, loadGroupedByKey } from '../../graphql/relay/load.js';
import { divisionSubtreeIds, divisionSubtreeIdsOf } from '../places/subtree.js';
import { facilityOrdering, type FacilityFilter, type FacilityOrder, type FacilityRow } from './types.js';

const f = 'f';
const facilityColumns = columnsOf(facilities, f);
const facilityTable = tableAs(facilities, f);

/** A search text must say something: blank would match everything. */
export function searchText(search: string | null | undefined): string | null {
  if (search == null) return null;
  const trimmed = search.trim();
  if (!trimmed) throw badUserInput('`search` is blank. Give at least one character to look for, or leave `search` out.', { argument: 'filter.search' });
  return trimmed;
}

export function facilityConditions(filter: FacilityFilter | null | undefined, alias = f): SQL[] {
  if (!filter) return [];
  const conditions: SQL[] = [];
  const search = searchText(filter.search);
  if (search) conditions.push(containsText(search, ['name_zh', 'name_en', 'description_zh', 'description_en'].map((c) => col(alias, c))));
  if (filter.category) conditions.push(isAnyOf(col(alias, 'category'), filter.category));
  if (filter.domain) conditions.push(isAnyOf(col(alias, 'domain'), filter.domain));
  if (filter.status) conditions.push(isAnyOf(col(alias, 'status'), filter.status));
  if (filter.divisionCode != null) conditions.push(sql`${col(alias, 'division_id')} in ${divisionSubtreeIds(filter.divisionCode)}`);
  if (filter.operatorSlug != null) {
    conditions.push(sql`${col(alias, 'operator_id')} = (select ${organizations.id} from ${organizations} where ${organizations.slug} = ${filter.operatorSlug})`);
  }
  return conditions;
}

export function facilityList(filter?: FacilityFilter | null, orderBy?: FacilityOrder[] | null, extra: SQL[] = []): ListQuery {
  return {
    columns: facilityColumns,
    from: facilityTable,
    where: [...extra, ...facilityConditions(filter)],
    order: facilityOrdering.sortKeys(orderBy, f),
  };
}

export const facilityById = (context: Context) =>
  loadByKey<number, FacilityRow>(context, 'facility.id', (ids) => sql`select ${facilityColumns} from ${facilityTable} where ${isAnyOf(col(f, 'id'), ids)}`, (row) => row.id);

export const facilityBySlug = (context: Context) =>
  loadByKey<string, FacilityRow>(context, 'facility.slug', (slugs) => sql`select ${facilityColumns} from ${facilityTable} where ${isAnyOf(col(f, 'slug'), slugs)}`, (row) => row.slug);

export const facilityCitationsOf = (context: Context) =>
  loadGroupedByKey<number, { facilityId: number; sourceId: number; quote: string }>(
    context,
    'facility.citations',
    (ids) => sql`select ${facilityCitations.facilityId} as "facilityId", ${facilityCitations.sourceId} as "sourceId", ${facilityCitations.quote} as "quote"
      from ${facilityCitations} where ${isAnyOf(sql`${facilityCitations.facilityId}`, ids)} order by ${facilityCitations.facilityId}, ${facilityCitations.position}`,
    (row) => row.facilityId,
  );

/** Nested-list memberships of facilities. */
export const facilitiesInDivision: BelongsTo = (divisionId) => sql`${col(f, 'division_id')} in ${divisionSubtreeIdsOf(divisionId)}`;
export const facilitiesOperatedBy: BelongsTo = (organizationId) => sql`${col(f, 'operator_id')} = ${organizationId}`;
