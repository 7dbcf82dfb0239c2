import { sql, type SQL } from 'drizzle-orm';
import { indicators, observations } from '../../db/tables/index.js';
import { col, columnsOf, containsText, isAnyOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { loadByKey, loadGroupedByKey } from '../../graphql/relay/load.js';
import { searchText } from '../facilities/queries.js';
import { divisionSubtreeIds } from '../places/subtree.js';
import { observationOrdering, type IndicatorFilter, type IndicatorRow, type ObservationFilter, type ObservationOrder, type ObservationRow } from './types.js';

const o = 'o';
const i = 'i';
const observationColumns = columnsOf(observations, o);
const observationTable = tableAs(observations, o);
const indicatorColumns = columnsOf(indicators, i);
const indicatorTable = tableAs(indicators, i);

/** Indicator ids matching a condition on the indicator (its names, its domain). */
const indicatorsWhere = (condition: SQL) => sql`${col(o, 'indicator_id')} in (select ${col(i, 'id')} from ${indicatorTable} where ${condition})`;

export function observationConditions(filter: ObservationFilter | null | undefined): SQL[] {
  if (!filter) return [];
  const where: SQL[] = [];
  const search = searchText(filter.search);
  if (search) {
    const ownText = containsText(search, [col(o, 'label_zh'), col(o, 'label_en'), col(o, 'quote')]);
    where.push(sql`(${ownText} or ${indicatorsWhere(containsText(search, ['name_zh', 'name_en', 'description_zh', 'description_en'].map((c) => col(i, c))))})`);
  }
  if (filter.indicatorCode) where.push(indicatorsWhere(isAnyOf(col(i, 'code'), filter.indicatorCode)));
  if (filter.domain) where.push(indicatorsWhere(isAnyOf(col(i, 'domain'), filter.domain)));
  if (filter.divisionCode != null) where.push(sql`${col(o, 'division_id')} in ${divisionSubtreeIds(filter.divisionCode)}`);
  if (filter.measure) where.push(isAnyOf(col(o, 'measure'), filter.measure));
  if (filter.status) where.push(isAnyOf(col(o, 'status'), filter.status));
  if (filter.conflicting != null) where.push(filter.conflicting ? sql`${col(o, 'conflict_group')} is not null` : sql`${col(o, 'conflict_group')} is null`);
  return where;
}

export function observationList(filter?: ObservationFilter | null, orderBy?: ObservationOrder[] | null): ListQuery {
  return { columns: observationColumns, from: observationTable, where: observationConditions(filter), order: observationOrdering.sortKeys(orderBy, o) };
}

/** Observations about a facility, a program or an indicator, as a nested list. */
export const observationsAbout = (column: 'facility_id' | 'program_id' | 'indicator_id'): BelongsTo => (parentId) => sql`${col(o, column)} = ${parentId}`;

export function indicatorList(filter?: IndicatorFilter | null): ListQuery {
  const where: SQL[] = [];
  const search = searchText(filter?.search);
  if (search) where.push(containsText(search, ['name_zh', 'name_en', 'description_zh', 'description_en'].map((c) => col(i, c))));
  if (filter?.domain) where.push(isAnyOf(col(i, 'domain'), filter.domain));
  if (filter?.unit) where.push(isAnyOf(col(i, 'unit'), filter.unit));
  return {
    columns: indicatorColumns,
    from: indicatorTable,
    where,
    order: [
      { expression: col(i, 'code'), type: 'text', direction: 'asc', name: 'CODE' },
      { expression: col(i, 'id'), type: 'integer', direction: 'asc', name: 'ID' },
    ],
  };
}

export const indicatorById = (context: Context) =>
  loadByKey<number, IndicatorRow>(context, 'indicator.id', (ids) => sql`select ${indicatorColumns} from ${indicatorTable} where ${isAnyOf(col(i, 'id'), ids)}`, (row) => row.id);

export const indicatorByCode = (context: Context) =>
  loadByKey<string, IndicatorRow>(context, 'indicator.code', (codes) => sql`select ${indicatorColumns} from ${indicatorTable} where ${isAnyOf(col(i, 'code'), codes)}`, (row) => row.code);

export const observationByKey = (context: Context) =>
  loadByKey<string, ObservationRow>(context, 'observation.key', (keys) => sql`select ${observationColumns} from ${observationTable} where ${isAnyOf(col(o, 'key'), keys)}`, (row) => row.key);

export const observationsInConflictGroup = (context: Context) =>
  loadGroupedByKey<string, ObservationRow>(
    context,
    'observation.conflictGroup',
    (groups) => sql`select ${observationColumns} from ${observationTable} where ${isAnyOf(col(o, 'conflict_group'), groups)} order by ${col(o, 'key')}`,
    (row) => row.conflictGroup!,
  );
