import { sql, type SQL } from 'drizzle-orm';
import { facilities, facilityCitations, organizations } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { AliasedColumns, col, hasValue, idIn, isAnyOf, propertiesOf } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { composed, FilterExtensions, changedSince } from '../../graphql/filters.js';
import { ALL_COLUMNS, RowProjection, type Projection } from '../../graphql/projection.js';
import { References } from '../../graphql/references.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { loadRowsBy, rowsByKeyQuery } from '../../graphql/relay/load.js';
import { citationsOf } from '../sources/queries.js';
import { divisionSubtreesOf } from '../places/queries.js';
import { divisionSubtreeIdsOf } from '../places/subtree.js';
import { matchesText, relevanceKey, searchTerms } from '../search/match.js';
import { distanceMeters, insideBox, withinDistance } from './geography.js';
import { Facility, facilityOrdering, type FacilityFilter, type FacilityOrder, type FacilityRow } from './types.js';

const f = 'f';
const facilityColumns = new AliasedColumns(facilities, f);

/** The columns a list of facilities fetches: what the fields of Facility read (`@Reads` on their resolvers). */
export const facilityProjection = new RowProjection(() => Facility, propertiesOf(facilities));
const facilityTable = liveTableAs(facilities, f);
/** A whole facility row, as single facilities are loaded. */
const wholeFacility = { columns: facilityColumns.all, from: facilityTable };
export const facilityTextColumns = ['name_zh', 'name_en', 'description_zh', 'description_en'];

/** Fields of FacilityFilter declared by other modules (the programs a facility takes part in: participation/). */
export const facilityFilterExtensions = new FilterExtensions<FacilityFilter>();

/** The SQL conditions of a facility filter on the facilities aliased `alias`. */
export function facilityConditions(filter: FacilityFilter | null | undefined, alias: string, references: References): SQL[] {
  return composed(filter, (filter) => {
    const where: SQL[] = [];
    if (filter.updatedSince != null) where.push(changedSince('facilities', alias, filter.updatedSince));
    const terms = searchTerms(filter.search);
    if (terms) where.push(matchesText(alias, terms, facilityTextColumns));
    if (filter.slug) {
      references.add('facility', filter.slug);
      where.push(isAnyOf(col(alias, 'slug'), filter.slug));
    }
    if (filter.category) where.push(isAnyOf(col(alias, 'category'), filter.category));
    if (filter.domain) where.push(isAnyOf(col(alias, 'domain'), filter.domain));
    if (filter.status) where.push(isAnyOf(col(alias, 'status'), filter.status));
    if (filter.divisionCode) {
      references.add('division', filter.divisionCode);
      where.push(idIn(col(alias, 'division_id'), divisionSubtreesOf(filter.divisionCode)));
    }
    if (filter.operatorSlug) {
      references.add('organization', filter.operatorSlug);
      where.push(
        idIn(
          col(alias, 'operator_id'),
          sql`select ${organizations.id} from ${organizations} where ${isAnyOf(sql`${organizations.slug}`, filter.operatorSlug)}`,
        ),
      );
    }
    if (filter.hasDivision != null) where.push(hasValue(alias, 'division_id', filter.hasDivision));
    if (filter.hasOperator != null) where.push(hasValue(alias, 'operator_id', filter.hasOperator));
    if (filter.hasLocation != null) where.push(hasValue(alias, 'latitude', filter.hasLocation));
    where.push(...facilityFilterExtensions.of(filter, alias, references));
    if (filter.near) where.push(withinDistance(alias, filter.near));
    if (filter.within) where.push(insideBox(alias, filter.within));
    return where;
  });
}

export function facilityList(filter?: FacilityFilter | null, orderBy?: FacilityOrder[] | null, projection: Projection = ALL_COLUMNS): ListQuery {
  const references = new References();
  const where = facilityConditions(filter, f, references);
  const near = filter?.near;
  const search = filter?.search;
  return {
    columns: near ? sql`${facilityColumns.select(projection)}, ${distanceMeters(f, near)} as "distanceMeters"` : facilityColumns.select(projection),
    from: facilityTable,
    where,
    order: facilityOrdering.sortKeys(orderBy, f, {
      relevance: search ? relevanceKey(f, search, ['name_zh', 'name_en']) : undefined,
      distance: near ? { expression: distanceMeters(f, near), type: 'double precision', direction: 'asc', name: 'DISTANCE' } : undefined,
    }),
    references,
    cursors: projection.cursors,
  };
}

/** Nested-list memberships of facilities. */
export const facilitiesInDivision: BelongsTo = (divisionId) => idIn(col(f, 'division_id'), divisionSubtreeIdsOf(divisionId));
export const facilitiesOperatedBy: BelongsTo = (organizationId) => sql`${col(f, 'operator_id')} = ${organizationId}`;
/** The id column of the facilities of facilityList(), for lists that join to them. */
export const facilityIdColumn = col(f, 'id');

export const facilityById = (context: Context) => loadRowsBy<number, FacilityRow>(context, 'facility.id', wholeFacility, col(f, 'id'), (row) => row.id);

/** The facility with this slug, as a statement of its own (lookUpWithList). */
export const facilityWithSlug = (slug: string) => rowsByKeyQuery(wholeFacility, col(f, 'slug'), [slug]);

export const facilityBySlug = (context: Context) => loadRowsBy<string, FacilityRow>(context, 'facility.slug', wholeFacility, col(f, 'slug'), (row) => row.slug);

export const facilityCitationsOf = (context: Context) => citationsOf(context, 'facility.citations', facilityCitations, facilityCitations.facilityId);
