import { sql } from 'drizzle-orm';
import { facilities, programFacilities, programs } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { col, idIn, isAnyOf, tableAs } from '../../db/sqlParts.js';
import { ALL_COLUMNS, type Projection } from '../../graphql/projection.js';
import type { BelongsTo, ListQuery } from '../../graphql/relay/keyset.js';
import { facilityConditions, facilityFilterExtensions, facilityIdColumn, facilityList } from '../facilities/queries.js';
import type { FacilityFilter, FacilityOrder } from '../facilities/types.js';
import { programConditions, programFilterExtensions, programIdColumn } from '../programs/queries.js';

/** Which facilities take part in which programs, and in what role (program_facilities). */

// A facility filter's `program` and a program filter's `facility`: some link to a match.
facilityFilterExtensions.add((filter, alias, references) => {
  if (!filter.program) return undefined;
  const p = `${alias}_p`;
  const inner = programConditions(filter.program, p, references);
  return sql`exists (select 1 from ${programFacilities} join ${liveTableAs(programs, p)} on ${col(p, 'id')} = ${programFacilities.programId}
        where ${programFacilities.facilityId} = ${col(alias, 'id')}${inner.length ? sql` and ${sql.join(inner, sql` and `)}` : sql``})`;
});

programFilterExtensions.add((filter, alias, references) => {
  if (!filter.facility) return undefined;
  const f = `${alias}_f`;
  const inner = facilityConditions(filter.facility, f, references);
  return sql`exists (select 1 from ${programFacilities} join ${liveTableAs(facilities, f)} on ${col(f, 'id')} = ${programFacilities.facilityId}
        where ${programFacilities.programId} = ${col(alias, 'id')}${inner.length ? sql` and ${sql.join(inner, sql` and `)}` : sql``})`;
});

// The few programs of a facility, found through program_facilities' (facility_id) index first: with
// `exists (…)` the planner walked all programs in order and probed each (see tests/bench).
export const programsOfFacility: BelongsTo = (facilityId) =>
  idIn(programIdColumn, sql`select ${programFacilities.programId} from ${programFacilities} where ${programFacilities.facilityId} = ${facilityId}`);

/** The facilities of programs with their roles: a nested list keyed by program. */
export function programFacilityList(
  roles: readonly string[] | null | undefined,
  filter?: FacilityFilter | null,
  orderBy?: FacilityOrder[] | null,
  projection: Projection = ALL_COLUMNS,
): ListQuery {
  const pf = 'pf';
  const base = facilityList(filter, orderBy, projection);
  return {
    ...base,
    columns: sql`${base.columns}, ${col(pf, 'role')} as "role"`,
    from: sql`${base.from} join ${tableAs(programFacilities, pf)} on ${col(pf, 'facility_id')} = ${facilityIdColumn}`,
    where: roles ? [...base.where, isAnyOf(col(pf, 'role'), roles)] : base.where,
    order: [...base.order, { expression: col(pf, 'role'), type: 'text', direction: 'asc', name: 'ROLE' }],
  };
}

export const facilitiesOfProgram: BelongsTo = (programId) => sql`${col('pf', 'program_id')} = ${programId}`;
