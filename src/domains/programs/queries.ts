import { sql, type SQL } from 'drizzle-orm';
import { organizations, programCitations, programs } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { AliasedColumns, col, hasValue, idIn, isAnyOf, propertiesOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { composed, FilterExtensions, inRange, changedSince } from '../../graphql/filters.js';
import { ALL_COLUMNS, RowProjection, type Projection } from '../../graphql/projection.js';
import { References } from '../../graphql/references.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { loadRowsBy, rowsByKeyQuery } from '../../graphql/relay/load.js';
import { citationsOf } from '../sources/queries.js';
import { divisionSubtreesOf } from '../places/queries.js';
import { matchesText, relevanceKey, searchTerms } from '../search/match.js';
import { Program, programOrdering, type ProgramFilter, type ProgramOrder, type ProgramRow } from './types.js';

const p = 'p';
const programColumns = new AliasedColumns(programs, p);

/** The columns a list of programs fetches: what the fields of Program read (`@Reads` on their resolvers). */
export const programProjection = new RowProjection(() => Program, propertiesOf(programs));
const programTable = liveTableAs(programs, p);
/** A whole program row, as single programs are loaded. */
const wholeProgram = { columns: programColumns.all, from: programTable };
export const programTextColumns = ['name_zh', 'name_en', 'description_zh', 'description_en'];

/** Fields of ProgramFilter declared by other modules (the facilities taking part: participation/). */
export const programFilterExtensions = new FilterExtensions<ProgramFilter>();

/** The SQL conditions of a program filter on the programs aliased `alias`. */
export function programConditions(filter: ProgramFilter | null | undefined, alias: string, references: References): SQL[] {
  return composed(filter, (filter) => {
    const where: SQL[] = [];
    if (filter.updatedSince != null) where.push(changedSince('programs', alias, filter.updatedSince));
    const terms = searchTerms(filter.search);
    if (terms) where.push(matchesText(alias, terms, programTextColumns));
    if (filter.slug) {
      references.add('program', filter.slug);
      where.push(isAnyOf(col(alias, 'slug'), filter.slug));
    }
    if (filter.domain) where.push(isAnyOf(col(alias, 'domain'), filter.domain));
    if (filter.kind) where.push(isAnyOf(col(alias, 'kind'), filter.kind));
    if (filter.status) where.push(isAnyOf(col(alias, 'status'), filter.status));
    if (filter.leadOrganizationSlug) {
      references.add('organization', filter.leadOrganizationSlug);
      where.push(
        idIn(
          col(alias, 'lead_organization_id'),
          sql`select ${organizations.id} from ${organizations} where ${isAnyOf(sql`${organizations.slug}`, filter.leadOrganizationSlug)}`,
        ),
      );
    }
    if (filter.divisionCode) {
      references.add('division', filter.divisionCode);
      where.push(idIn(col(alias, 'division_id'), divisionSubtreesOf(filter.divisionCode)));
    }
    if (filter.parentSlug) {
      references.add('program', filter.parentSlug);
      const parent = `${alias}_parent`;
      where.push(
        idIn(
          col(alias, 'parent_id'),
          sql`select ${col(parent, 'id')} from ${tableAs(programs, parent)} where ${isAnyOf(col(parent, 'slug'), filter.parentSlug)}`,
        ),
      );
    }
    if (filter.hasParent != null) where.push(hasValue(alias, 'parent_id', filter.hasParent));
    if (filter.hasLeadOrganization != null) where.push(hasValue(alias, 'lead_organization_id', filter.hasLeadOrganization));
    if (filter.startDate) where.push(inRange(col(alias, 'start_date'), filter.startDate, 'filter.startDate', 'date'));
    if (filter.endDate) where.push(inRange(col(alias, 'end_date'), filter.endDate, 'filter.endDate', 'date'));
    where.push(...programFilterExtensions.of(filter, alias, references));
    return where;
  });
}

export function programList(filter?: ProgramFilter | null, orderBy?: ProgramOrder[] | null, projection: Projection = ALL_COLUMNS): ListQuery {
  const references = new References();
  return {
    columns: programColumns.select(projection),
    from: programTable,
    where: programConditions(filter, p, references),
    order: programOrdering.sortKeys(orderBy, p, { relevance: filter?.search ? relevanceKey(p, filter.search, ['name_zh', 'name_en']) : undefined }),
    references,
    cursors: projection.cursors,
  };
}

/** Nested-list memberships of programs. */
/** The id column of the programs of programList(), for lists that join to them. */
export const programIdColumn = col(p, 'id');
export const programsLedBy: BelongsTo = (organizationId) => sql`${col(p, 'lead_organization_id')} = ${organizationId}`;
export const childProgramsOf: BelongsTo = (programId) => sql`${col(p, 'parent_id')} = ${programId}`;

export const programById = (context: Context) => loadRowsBy<number, ProgramRow>(context, 'program.id', wholeProgram, col(p, 'id'), (row) => row.id);

/** The program with this slug, as a statement of its own (lookUpWithList). */
export const programWithSlug = (slug: string) => rowsByKeyQuery(wholeProgram, col(p, 'slug'), [slug]);

export const programBySlug = (context: Context) => loadRowsBy<string, ProgramRow>(context, 'program.slug', wholeProgram, col(p, 'slug'), (row) => row.slug);

export const programCitationsOf = (context: Context) => citationsOf(context, 'program.citations', programCitations, programCitations.programId);
