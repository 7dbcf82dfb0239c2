import { GraphQLDateTime } from 'graphql-scalars';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { atMost, MaxItems } from '../../graphql/listBound.js';
import { toGlobalId } from '../../graphql/globalId.js';
import { Language, inLanguage } from '../../graphql/language.js';
import { connectionTypes, toConnection } from '../../graphql/relay/connection.js';
import { loadRootPage } from '../../graphql/relay/load.js';
import { nestedList, nestedConnection } from '../../graphql/nestedList.js';
import { ForwardPageArgs, PageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { LanguageArg } from '../../graphql/text.js';
import { FacilityConnection } from '../facilities/connection.js';
import { facilitiesInDivision, facilitiesOperatedBy, facilityList, facilityProjection } from '../facilities/queries.js';
import { FacilityFilter, FacilityOrder } from '../facilities/types.js';
import { ProgramConnection } from '../programs/connection.js';
import { programList, programProjection, programsLedBy } from '../programs/queries.js';
import { ProgramFilter, ProgramOrder } from '../programs/types.js';
import { NOTE_LANGUAGE, noteIn } from '../sources/note.js';
import { MAX_ORGANIZATION_LINKS, OrganizationLink } from './linkTypes.js';
import { organizationLinksOf } from './organizationLinks.js';
import { childDivisionOf, divisionByCode, divisionById, divisionList, organizationBySlug, organizationList } from './queries.js';
import { Division, DivisionFilter, Organization, OrganizationFilter, type DivisionRow, type OrganizationRow } from './types.js';
import { RETIRED_AT_DESCRIPTION, RETIREMENT_DESCRIPTION, retiredAtOf, retirementOf } from '../nodes/tombstones.js';
import { divisionsSeed, organizationsSeed } from './seed.js';

export const { Connection: DivisionConnection } = connectionTypes(Division, 'Division', 'administrative divisions');
export const { Connection: OrganizationConnection } = connectionTypes(Organization, 'Organization', 'organizations');

@Resolver(() => Division)
export class DivisionResolver {
  @Query(() => Division, { nullable: true, description: 'One division by its code (e.g. "500104"), or null.' })
  division(@Arg('code', () => String, { description: 'The division code.' }) code: string, @Ctx() context: Context) {
    return divisionByCode(context).load(code);
  }

  @Query(() => DivisionConnection, { description: 'Administrative divisions, ordered by code.' })
  async divisions(
    @Arg('filter', () => DivisionFilter, { nullable: true, description: 'Which divisions.' }) filter: DivisionFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadRootPage<DivisionRow>(context, divisionList(filter), toPageRequest(page));
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  id(@Root() division: DivisionRow) {
    return toGlobalId('Division', division.code);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  retiredAt(@Root() division: DivisionRow) {
    return retiredAtOf(division.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  retirement(@Root() division: DivisionRow, @Ctx() context: Context) {
    return retirementOf(context, divisionsSeed.name, division.code, division.retiredAt);
  }

  @FieldResolver(() => String, { description: "The division's name." })
  name(@Root() division: DivisionRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, division.nameZh, division.nameEn);
  }

  @FieldResolver(() => String, { nullable: true, description: `Remarks on the record: how the code was derived, spellings in the source. ${NOTE_LANGUAGE}` })
  note(@Root() division: DivisionRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return noteIn(lang ?? context.language, { zh: null, en: division.note });
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The division it belongs to; null for the district.' })
  parent(@Root() division: DivisionRow, @Ctx() context: Context) {
    return division.parentId == null ? null : divisionById(context).load(division.parentId);
  }

  @FieldResolver(() => DivisionConnection, { description: 'The divisions directly under this one.' })
  async children(
    @Root() division: DivisionRow,
    @Arg('filter', () => DivisionFilter, { nullable: true, description: 'Which divisions.' }) filter: DivisionFilter | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, divisionChildren, { filter, ...page }, division.id);
  }

  @FieldResolver(() => FacilityConnection, { description: 'Facilities in this division or any division under it.' })
  async facilities(
    @Root() division: DivisionRow,
    @Arg('filter', () => FacilityFilter, { nullable: true, description: 'Which facilities.' }) filter: FacilityFilter | null,
    @Arg('orderBy', () => [FacilityOrder], { nullable: true, description: 'Sort keys. Default: SLUG.' }) orderBy: FacilityOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, facilitiesOfDivision, { filter, orderBy, ...page }, division.id);
  }
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: 'One organization by its slug, or null.' })
  organization(@Arg('slug', () => String, { description: "The organization's slug." }) slug: string, @Ctx() context: Context) {
    return organizationBySlug(context).load(slug);
  }

  @Query(() => OrganizationConnection, { description: 'Departments, offices and operators, ordered by slug.' })
  async organizations(
    @Arg('filter', () => OrganizationFilter, { nullable: true, description: 'Which organizations.' }) filter: OrganizationFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadRootPage<OrganizationRow>(context, organizationList(filter), toPageRequest(page));
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  id(@Root() organization: OrganizationRow) {
    return toGlobalId('Organization', organization.slug);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  retiredAt(@Root() organization: OrganizationRow) {
    return retiredAtOf(organization.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  retirement(@Root() organization: OrganizationRow, @Ctx() context: Context) {
    return retirementOf(context, organizationsSeed.name, organization.slug, organization.retiredAt);
  }

  @FieldResolver(() => String, { description: "The organization's name." })
  name(@Root() organization: OrganizationRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, organization.nameZh, organization.nameEn);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The division it serves or sits in, where known.' })
  division(@Root() organization: OrganizationRow, @Ctx() context: Context) {
    return organization.divisionId == null ? null : divisionById(context).load(organization.divisionId);
  }

  @FieldResolver(() => FacilityConnection, { description: 'Facilities it operates.' })
  async facilities(
    @Root() organization: OrganizationRow,
    @Arg('filter', () => FacilityFilter, { nullable: true, description: 'Which facilities.' }) filter: FacilityFilter | null,
    @Arg('orderBy', () => [FacilityOrder], { nullable: true, description: 'Sort keys. Default: SLUG.' }) orderBy: FacilityOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, facilitiesOfOrganization, { filter, orderBy, ...page }, organization.id);
  }

  @FieldResolver(() => [OrganizationLink], {
    description: `Its parts in facilities and programs other than operating or leading them (see \`facilities\` and \`programs\`), each with its role and the sentence that states it, in the order of its record (at most ${MAX_ORGANIZATION_LINKS}).`,
  })
  @MaxItems(MAX_ORGANIZATION_LINKS)
  async links(@Root() organization: OrganizationRow, @Ctx() context: Context) {
    return atMost(MAX_ORGANIZATION_LINKS, await organizationLinksOf(context, organization.id));
  }

  @FieldResolver(() => ProgramConnection, { description: 'Programs it leads.' })
  async programs(
    @Root() organization: OrganizationRow,
    @Arg('filter', () => ProgramFilter, { nullable: true, description: 'Which programs.' }) filter: ProgramFilter | null,
    @Arg('orderBy', () => [ProgramOrder], { nullable: true, description: 'Sort keys. Default: SLUG.' }) orderBy: ProgramOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, programsOfOrganization, { filter, orderBy, ...page }, organization.id);
  }
}

type FacilitiesArgs = { filter?: FacilityFilter | null; orderBy?: FacilityOrder[] | null };
type ProgramsArgs = { filter?: ProgramFilter | null; orderBy?: ProgramOrder[] | null };

/** Division.children: the divisions directly under one. */
const divisionChildren = nestedList<{ filter?: DivisionFilter | null }>({
  parentType: 'Division',
  field: 'children',
  list: ({ filter }) => divisionList(filter),
  belongsTo: childDivisionOf,
});

/** Division.facilities: those in it or in any division under it. */
const facilitiesOfDivision = nestedList<FacilitiesArgs>({
  parentType: 'Division',
  field: 'facilities',
  projection: facilityProjection,
  list: ({ filter, orderBy }, columns) => facilityList(filter, orderBy, columns),
  belongsTo: facilitiesInDivision,
});

/** Organization.facilities: those it operates. */
const facilitiesOfOrganization = nestedList<FacilitiesArgs>({
  parentType: 'Organization',
  field: 'facilities',
  projection: facilityProjection,
  list: ({ filter, orderBy }, columns) => facilityList(filter, orderBy, columns),
  belongsTo: facilitiesOperatedBy,
});

/** Organization.programs: those it leads. */
const programsOfOrganization = nestedList<ProgramsArgs>({
  parentType: 'Organization',
  field: 'programs',
  projection: programProjection,
  list: ({ filter, orderBy }, columns) => programList(filter, orderBy, columns),
  belongsTo: programsLedBy,
});
