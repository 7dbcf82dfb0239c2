import { sql, type SQL } from 'drizzle-orm';
import { organizations, programCitations, programFacilities, programs } from '../../db/tables/index.js';
import { col, columnsOf, containsText, isAnyOf, tableAs } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { loadByKey, loadGroupedByKey } from '../../graphql/relay/load.js';
import { facilityList, searchText } from '../facilities/queries.js';
import { divisionSubtreeIds } from '../places/subtree.js';
import { programOrdering, type ProgramFilter, type ProgramOrder, type ProgramRow } from './types.js';

const p = 'p';
const programColumns = columnsOf(programs, p);
const programTable = tableAs(programs, p);

export function programList(filter?: ProgramFilter | null, orderBy?: ProgramOrder[] | null): ListQuery {
  const where: SQL[] = [];
  const search = searchText(filter?.search);
  if (search) where.push(containsText(search, ['name_zh', 'name_en', 'description_zh', 'description_en'].map((c) => col(p, c))));
  if (filter?.domain) where.push(isAnyOf(col(p, 'domain'), filter.domain));
  if (filter?.kind) where.push(isAnyOf(col(p, 'kind'), filter.kind));
  if (filter?.status) where.push(isAnyOf(col(p, 'status'), filter.status));
  if (filter?.leadOrganizationSlug != null) {
    where.push(sql`${col(p, 'lead_organization_id')} = (select ${organizations.id} from ${organizations} where ${organizations.slug} = ${filter.leadOrganizationSlug})`);
  }
  if (filter?.divisionCode != null) where.push(sql`${col(p, 'division_id')} in ${divisionSubtreeIds(filter.divisionCode)}`);
  return { columns: programColumns, from: programTable, where, order: programOrdering.sortKeys(orderBy, p) };
}

/** Nested-list memberships of programs. */
export const programsOfFacility: BelongsTo = (facilityId) =>
  sql`exists (select 1 from ${programFacilities} where ${programFacilities.programId} = ${col(p, 'id')} and ${programFacilities.facilityId} = ${facilityId})`;
export const programsLedBy: BelongsTo = (organizationId) => sql`${col(p, 'lead_organization_id')} = ${organizationId}`;
export const childProgramsOf: BelongsTo = (programId) => sql`${col(p, 'parent_id')} = ${programId}`;

export const programById = (context: Context) =>
  loadByKey<number, ProgramRow>(context, 'program.id', (ids) => sql`select ${programColumns} from ${programTable} where ${isAnyOf(col(p, 'id'), ids)}`, (row) => row.id);

export const programBySlug = (context: Context) =>
  loadByKey<string, ProgramRow>(context, 'program.slug', (slugs) => sql`select ${programColumns} from ${programTable} where ${isAnyOf(col(p, 'slug'), slugs)}`, (row) => row.slug);

export const programCitationsOf = (context: Context) =>
  loadGroupedByKey<number, { programId: number; sourceId: number; quote: string }>(
    context,
    'program.citations',
    (ids) => sql`select ${programCitations.programId} as "programId", ${programCitations.sourceId} as "sourceId", ${programCitations.quote} as "quote"
      from ${programCitations} where ${isAnyOf(sql`${programCitations.programId}`, ids)} order by ${programCitations.programId}, ${programCitations.position}`,
    (row) => row.programId,
  );

/** The facilities of programs with their roles: a nested list keyed by program. */
export function programFacilityList(roles: readonly string[] | null | undefined): ListQuery {
  const pf = 'pf';
  const base = facilityList();
  return {
    columns: sql`${base.columns}, ${col(pf, 'role')} as "role"`,
    from: sql`${base.from} join ${tableAs(programFacilities, pf)} on ${col(pf, 'facility_id')} = ${col('f', 'id')}`,
    where: roles ? [isAnyOf(col(pf, 'role'), roles)] : [],
    order: [...base.order, { expression: col(pf, 'role'), type: 'text', direction: 'asc', name: 'ROLE' }],
  };
}

export const facilitiesOfProgram: BelongsTo = (programId) => sql`${col('pf', 'program_id')} = ${programId}`;
