import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Field, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { ProgramFacilityRole } from '../../db/vocabulary.js';
import type { Context } from '../../graphql/context.js';
import { ProgramFacilityRoleEnum } from '../../graphql/enums.js';
import { nestedList, nestedConnection } from '../../graphql/nestedList.js';
import { Reads } from '../../graphql/projection.js';
import { toConnectionWith } from '../../graphql/relay/connection.js';
import { loadNestedPage } from '../../graphql/relay/load.js';
import { ForwardPageArgs } from '../../graphql/relay/pageArgs.js';
import { facilityProjection } from '../facilities/queries.js';
import { Facility, FacilityFilter, FacilityOrder, type FacilityRow } from '../facilities/types.js';
import { ProgramConnection } from '../programs/connection.js';
import { programList, programProjection } from '../programs/queries.js';
import { Program, ProgramFilter, ProgramOrder, type ProgramRow } from '../programs/types.js';
import { ProgramFacilityConnection } from './connection.js';
import { facilitiesOfProgram, programFacilityList, programsOfFacility } from './queries.js';

// The filter fields that cross the link, declared here so that neither facilities nor programs import the other.
Field(() => ProgramFilter, { nullable: true, description: 'Taking part in a program that matches this filter (e.g. `{ domain: [ELDERLY_CARE] }`).' })(
  FacilityFilter.prototype,
  'program',
);
Field(() => FacilityFilter, { nullable: true, description: 'Having a facility that matches this filter, in any role.' })(ProgramFilter.prototype, 'facility');

/** Facility.programs: the programs a facility takes part in. */
const programsOfFacilityList = nestedList<{ filter?: ProgramFilter | null; orderBy?: ProgramOrder[] | null }>({
  parentType: 'Facility',
  field: 'programs',
  projection: programProjection,
  list: ({ filter, orderBy }, columns) => programList(filter, orderBy, columns),
  belongsTo: programsOfFacility,
});

/** Program.facilities: the facilities taking part, with their roles. */
const facilitiesOfProgramList = nestedList<{ role?: ProgramFacilityRole[] | null; filter?: FacilityFilter | null; orderBy?: FacilityOrder[] | null }>({
  parentType: 'Program',
  field: 'facilities',
  projection: facilityProjection,
  list: ({ role, filter, orderBy }, columns) => programFacilityList(role, filter, orderBy, columns),
  belongsTo: facilitiesOfProgram,
});

@Resolver(() => Facility)
export class FacilityProgramsResolver {
  @FieldResolver(() => ProgramConnection, { description: 'Programs the facility takes part in, in any role.' })
  @Reads()
  async programs(
    @Root() facility: FacilityRow,
    @Arg('filter', () => ProgramFilter, { nullable: true, description: 'Which programs.' }) filter: ProgramFilter | null,
    @Arg('orderBy', () => [ProgramOrder], { nullable: true, description: 'Sort keys. Default: SLUG.' }) orderBy: ProgramOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, programsOfFacilityList, { filter, orderBy, ...page }, facility.id);
  }
}

@Resolver(() => Program)
export class ProgramFacilitiesResolver {
  @FieldResolver(() => ProgramFacilityConnection, { description: 'The facilities taking part, each edge with its role.' })
  @Reads()
  async facilities(
    @Root() program: ProgramRow,
    @Arg('role', () => [ProgramFacilityRoleEnum], { nullable: true, description: 'Only facilities in any of these roles.' }) role: ProgramFacilityRole[] | null,
    @Arg('filter', () => FacilityFilter, { nullable: true, description: 'Which facilities.' }) filter: FacilityFilter | null,
    @Arg('orderBy', () => [FacilityOrder], { nullable: true, description: 'Sort keys (then role). Default: SLUG.' }) orderBy: FacilityOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadNestedPage<FacilityRow & { role: ProgramFacilityRole }>(
      context,
      info,
      () => facilitiesOfProgramList({ role, filter, orderBy, ...page }, info),
      program.id,
    );
    // The row is the facility (its extra role column is never read as a facility field): no copy per edge.
    return toConnectionWith(rows, countTotal, (row) => ({ node: row as FacilityRow, role: row.role }));
  }
}
