import { sql, type SQL } from 'drizzle-orm';
import { divisions, facilities, indicators, observationPrograms, observations, programs } from '../../db/tables/index.js';
import { OrderDirection } from '../../graphql/enums.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { AliasedColumns, col, columnsOf, hasValue, idIn, isAnyOf, propertiesOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { composed, inRange, intervalOf, changedSince } from '../../graphql/filters.js';
import { ALL_COLUMNS, RowProjection, type Projection } from '../../graphql/projection.js';
import { References } from '../../graphql/references.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { loadGroupedByKey, loadRowsBy, rowsByKeyQuery } from '../../graphql/relay/load.js';
import { nestedList } from '../../graphql/nestedList.js';
import { divisionSubtreesOf } from '../places/queries.js';
import { matchesText, relevanceKey, searchTerms } from '../search/match.js';
import {
  indicatorOrdering,
  Observation,
  observationOrdering,
  type IndicatorFilter,
  type IndicatorOrder,
  type IndicatorRow,
  type ObservationFilter,
  type ObservationOrder,
  type ObservationRow,
} from './types.js';

const o = 'o';
const i = 'i';
const observationColumns = new AliasedColumns(observations, o);

/** The columns a list of figures fetches: what the fields of Observation read (`@Reads` on their resolvers). */
export const observationProjection = new RowProjection(() => Observation, propertiesOf(observations));
const observationTable = liveTableAs(observations, o);
const indicatorColumns = columnsOf(indicators, i);
const indicatorTable = liveTableAs(indicators, i);
/** A whole indicator row, as single indicators are loaded. */
const wholeIndicator = { columns: indicatorColumns, from: indicatorTable };
export const indicatorTextColumns = ['name_zh', 'name_en', 'description_zh', 'description_en'];
export const observationTextColumns = ['label_zh', 'label_en', 'quote'];

export function indicatorConditions(filter: IndicatorFilter | null | undefined, alias: string, references: References): SQL[] {
  return composed(filter, (filter) => {
    const where: SQL[] = [];
    if (filter.updatedSince != null) where.push(changedSince('indicators', alias, filter.updatedSince));
    const terms = searchTerms(filter.search);
    if (terms) where.push(matchesText(alias, terms, indicatorTextColumns));
    if (filter.code) {
      references.add('indicator', filter.code);
      where.push(isAnyOf(col(alias, 'code'), filter.code));
    }
    if (filter.domain) where.push(isAnyOf(col(alias, 'domain'), filter.domain));
    if (filter.unit) where.push(isAnyOf(col(alias, 'unit'), filter.unit));
    if (filter.kind) where.push(isAnyOf(col(alias, 'kind'), filter.kind));
    return where;
  });
}

export function observationConditions(filter: ObservationFilter | null | undefined, alias: string, references: References): SQL[] {
  return composed(filter, (filter) => {
    const where: SQL[] = [];
    if (filter.updatedSince != null) where.push(changedSince('observations', alias, filter.updatedSince));
    const ind = `${alias}_i`;
    const inIndicators = (condition: SQL, atMostOne = false) =>
      idIn(col(alias, 'indicator_id'), sql`select ${col(ind, 'id')} from ${tableAs(indicators, ind)} where ${condition}`, atMostOne);
    const terms = searchTerms(filter.search);
    if (terms) where.push(sql`(${matchesText(alias, terms, observationTextColumns)} or ${inIndicators(matchesText(ind, terms, indicatorTextColumns))})`);
    if (filter.key) {
      references.add('observation', filter.key);
      where.push(isAnyOf(col(alias, 'key'), filter.key));
    }
    if (filter.indicatorCode) {
      references.add('indicator', filter.indicatorCode);
      where.push(inIndicators(isAnyOf(col(ind, 'code'), filter.indicatorCode), filter.indicatorCode.length === 1));
    }
    // A figure stated in another domain's section (the 34 institutions, in the health section) is found under both.
    if (filter.domain)
      where.push(sql`(${inIndicators(isAnyOf(col(ind, 'domain'), filter.domain))} or ${isAnyOf(col(alias, 'reported_in_domain'), filter.domain)})`);
    if (filter.unit) where.push(isAnyOf(col(alias, 'unit'), filter.unit));
    if (filter.divisionCode) {
      references.add('division', filter.divisionCode);
      where.push(idIn(col(alias, 'division_id'), divisionSubtreesOf(filter.divisionCode)));
    }
    if (filter.facilitySlug) {
      references.add('facility', filter.facilitySlug);
      where.push(
        idIn(
          col(alias, 'facility_id'),
          sql`select ${facilities.id} from ${facilities} where ${isAnyOf(sql`${facilities.slug}`, filter.facilitySlug)}`,
          filter.facilitySlug.length === 1,
        ),
      );
    }
    if (filter.programSlug) {
      references.add('program', filter.programSlug);
      const programIds = sql`select ${programs.id} from ${programs} where ${isAnyOf(sql`${programs.slug}`, filter.programSlug)}`;
      where.push(
        sql`(${idIn(col(alias, 'program_id'), programIds, filter.programSlug.length === 1)} or ${col(alias, 'id')} in (select ${observationPrograms.observationId} from ${observationPrograms} where ${observationPrograms.programId} in (${programIds})))`,
      );
    }
    if (filter.hasFacility != null) where.push(hasValue(alias, 'facility_id', filter.hasFacility));
    if (filter.hasProgram != null) where.push(hasValue(alias, 'program_id', filter.hasProgram));
    if (filter.measure) where.push(isAnyOf(col(alias, 'measure'), filter.measure));
    if (filter.status) where.push(isAnyOf(col(alias, 'status'), filter.status));
    if (filter.qualifier) where.push(isAnyOf(col(alias, 'qualifier'), filter.qualifier));
    if (filter.value) where.push(inRange(col(alias, 'value'), filter.value, 'filter.value', 'double precision'));
    if (filter.periodEnd) where.push(inRange(col(alias, 'period_end'), filter.periodEnd, 'filter.periodEnd', 'date'));
    if (filter.periodOverlaps) {
      const { start, end } = intervalOf(filter.periodOverlaps, 'filter.periodOverlaps');
      where.push(sql`(${col(alias, 'period_end')} >= ${start}::date and coalesce(${col(alias, 'period_start')}, ${col(alias, 'period_end')}) <= ${end}::date)`);
    }
    if (filter.conflicting != null) where.push(hasValue(alias, 'conflict_group', filter.conflicting));
    return where;
  });
}

export function observationList(filter?: ObservationFilter | null, orderBy?: ObservationOrder[] | null, projection: Projection = ALL_COLUMNS): ListQuery {
  const references = new References();
  return {
    columns: observationColumns.select(projection),
    from: observationTable,
    where: observationConditions(filter, o, references),
    order: observationOrdering.sortKeys(orderBy, o, { relevance: filter?.search ? relevanceKey(o, filter.search, ['label_zh', 'label_en']) : undefined }),
    references,
    cursors: projection.cursors,
  };
}

/** Newest first: the reported figures of one division exactly (or of any), for Indicator.latest. */
export function latestObservationList(divisionCode: string | null, projection: Projection = ALL_COLUMNS): ListQuery {
  const list = observationList({ status: ['actual'] }, [{ field: 'PERIOD_END', direction: OrderDirection.DESC }], projection);
  if (divisionCode != null)
    list.where.push(sql`${col(o, 'division_id')} = (select ${divisions.id} from ${divisions} where ${divisions.code} = ${divisionCode})`);
  return list;
}

/** Observations about a facility, a program or an indicator, as a nested list. */
export const observationsAbout = (column: 'facility_id' | 'program_id' | 'indicator_id'): BelongsTo =>
  column === 'program_id' ? observationsAboutProgram : (parentId) => sql`${col(o, column)} = ${parentId}`;

/** A program's figures: those it is the program of, and those it is one of the further programs of (observation_programs). */
const observationsAboutProgram: BelongsTo = (programId) => sql`(${col(o, 'program_id')} = ${programId}
  or exists (select 1 from ${observationPrograms} where ${observationPrograms.observationId} = ${col(o, 'id')} and ${observationPrograms.programId} = ${programId}))`;

/** The further programs of figures (beyond their `program_id`), by figure id. */
export const otherProgramsOf = (context: Context) =>
  loadGroupedByKey<number, { observationId: number; programId: number }>(
    context,
    'observation.otherPrograms',
    (ids) => sql`select ${observationPrograms.observationId} as "observationId", ${observationPrograms.programId} as "programId" from ${observationPrograms}
      where ${isAnyOf(sql`${observationPrograms.observationId}`, ids)} order by ${observationPrograms.programId}`,
    (row) => row.observationId,
  );

export function indicatorList(filter?: IndicatorFilter | null, orderBy?: IndicatorOrder[] | null): ListQuery {
  const references = new References();
  return {
    columns: indicatorColumns,
    from: indicatorTable,
    where: indicatorConditions(filter, i, references),
    order: indicatorOrdering.sortKeys(orderBy, i, { relevance: filter?.search ? relevanceKey(i, filter.search, ['name_zh', 'name_en']) : undefined }),
    references,
  };
}

/** The indicator with this code, as a statement of its own (loadWithNestedPage). */
export const indicatorWithCode = (code: string) => rowsByKeyQuery(wholeIndicator, col(i, 'code'), [code]);

export const indicatorById = (context: Context) => loadRowsBy<number, IndicatorRow>(context, 'indicator.id', wholeIndicator, col(i, 'id'), (row) => row.id);

export const indicatorByCode = (context: Context) =>
  loadRowsBy<string, IndicatorRow>(context, 'indicator.code', wholeIndicator, col(i, 'code'), (row) => row.code);

export const observationById = (context: Context) =>
  loadRowsBy<number, ObservationRow>(context, 'observation.id', { columns: observationColumns.all, from: observationTable }, col(o, 'id'), (row) => row.id);

export const observationByKey = (context: Context) =>
  loadRowsBy<string, ObservationRow>(context, 'observation.key', { columns: observationColumns.all, from: observationTable }, col(o, 'key'), (row) => row.key);

export const observationsInConflictGroup = (context: Context) =>
  loadGroupedByKey<string, ObservationRow>(
    context,
    'observation.conflictGroup',
    (groups) => sql`select ${observationColumns.all} from ${observationTable} where ${isAnyOf(col(o, 'conflict_group'), groups)} order by ${col(o, 'key')}`,
    (row) => row.conflictGroup!,
  );

/** The figures about an indicator, facility or program: one nested list each. */
type FiguresArgs = { filter?: ObservationFilter | null; orderBy?: ObservationOrder[] | null };
const figuresOf = (parentType: 'Indicator' | 'Facility' | 'Program') =>
  nestedList<FiguresArgs>({
    parentType,
    field: 'observations',
    projection: observationProjection,
    list: ({ filter, orderBy }, columns) => observationList(filter, orderBy, columns),
    belongsTo: observationsAbout(`${parentType.toLowerCase() as Lowercase<typeof parentType>}_id`),
  });
export const figuresOfIndicator = figuresOf('Indicator');
export const figuresOfFacility = figuresOf('Facility');
export const figuresOfProgram = figuresOf('Program');
