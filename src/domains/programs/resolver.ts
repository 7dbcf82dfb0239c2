import { GraphQLDateTime } from 'graphql-scalars';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { atMost, MAX_CITATIONS, MaxItems } from '../../graphql/listBound.js';
import { toGlobalId } from '../../graphql/globalId.js';
import { Language, inLanguage } from '../../graphql/language.js';
import { toConnection } from '../../graphql/relay/connection.js';
import { lookUpWithList } from '../../graphql/lookAhead.js';
import { nestedList, nestedConnection } from '../../graphql/nestedList.js';
import { Reads, ReadsWholeRow } from '../../graphql/projection.js';
import { loadRootPage } from '../../graphql/relay/load.js';
import { ForwardPageArgs, PageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { LanguageArg } from '../../graphql/text.js';
import { divisionById, organizationById } from '../places/queries.js';
import { Division, Organization } from '../places/types.js';
import { LinkedOrganization, MAX_ORGANIZATION_LINKS } from '../places/linkTypes.js';
import { organizationsLinkedTo } from '../places/organizationLinks.js';
import { SourceCitation } from '../sources/types.js';
import { ObservationConnection } from '../statistics/connection.js';
import { figuresOfProgram } from '../statistics/queries.js';
import { ObservationFilter, ObservationOrder } from '../statistics/types.js';
import { ProgramConnection } from './connection.js';
import { childProgramsOf, programById, programBySlug, programCitationsOf, programList, programProjection, programWithSlug } from './queries.js';
import { Program, ProgramFilter, ProgramOrder, type ProgramRow } from './types.js';
import { RETIRED_AT_DESCRIPTION, RETIREMENT_DESCRIPTION, retiredAtOf, retirementOf } from '../nodes/tombstones.js';
import { programsSeed } from './seed.js';

@Resolver(() => Program)
export class ProgramResolver {
  @Query(() => Program, { nullable: true, description: 'One program by its slug, or null.' })
  program(@Arg('slug', () => String, { description: "The program's slug." }) slug: string, @Info() info: GraphQLResolveInfo, @Ctx() context: Context) {
    return lookUpWithList<ProgramRow>(context, info, programWithSlug(slug), () => programBySlug(context).load(slug));
  }

  @Query(() => ProgramConnection, { description: 'Programs: initiatives, services, event series, campaigns, school groups, awards, policies.' })
  async programs(
    @Arg('filter', () => ProgramFilter, { nullable: true, description: 'Which programs.' }) filter: ProgramFilter | null,
    @Arg('orderBy', () => [ProgramOrder], { nullable: true, description: 'Sort keys, first one first. Default: SLUG.' }) orderBy: ProgramOrder[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadRootPage<ProgramRow>(
      context,
      programList(filter, orderBy, programProjection.forConnection(info)),
      toPageRequest(page),
    );
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  @Reads<ProgramRow>('slug')
  id(@Root() program: ProgramRow) {
    return toGlobalId('Program', program.slug);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  @Reads<ProgramRow>('retiredAt')
  retiredAt(@Root() program: ProgramRow) {
    return retiredAtOf(program.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  @Reads<ProgramRow>('slug', 'retiredAt')
  retirement(@Root() program: ProgramRow, @Ctx() context: Context) {
    return retirementOf(context, programsSeed.name, program.slug, program.retiredAt);
  }

  @FieldResolver(() => String, { description: "The program's name." })
  @Reads<ProgramRow>('nameZh', 'nameEn')
  name(@Root() program: ProgramRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, program.nameZh, program.nameEn);
  }

  @FieldResolver(() => String, { nullable: true, description: 'What the program is and does, from the source.' })
  @Reads<ProgramRow>('descriptionZh', 'descriptionEn')
  description(@Root() program: ProgramRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, program.descriptionZh, program.descriptionEn);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The organization that leads it, where a source says so.' })
  @Reads<ProgramRow>('leadOrganizationId')
  leadOrganization(@Root() program: ProgramRow, @Ctx() context: Context) {
    return program.leadOrganizationId == null ? null : organizationById(context).load(program.leadOrganizationId);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'Where it takes place, when a source ties it to one division.' })
  @Reads<ProgramRow>('divisionId')
  division(@Root() program: ProgramRow, @Ctx() context: Context) {
    return program.divisionId == null ? null : divisionById(context).load(program.divisionId);
  }

  @FieldResolver(() => Program, { nullable: true, description: 'The program it is part of (an education group under the "1+4" model).' })
  @Reads<ProgramRow>('parentId')
  parent(@Root() program: ProgramRow, @Ctx() context: Context) {
    return program.parentId == null ? null : programById(context).load(program.parentId);
  }

  @FieldResolver(() => ProgramConnection, { description: 'The programs that are part of this one.' })
  @Reads()
  async children(
    @Root() program: ProgramRow,
    @Arg('filter', () => ProgramFilter, { nullable: true, description: 'Which programs.' }) filter: ProgramFilter | null,
    @Arg('orderBy', () => [ProgramOrder], { nullable: true, description: 'Sort keys. Default: SLUG.' }) orderBy: ProgramOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, childPrograms, { filter, orderBy, ...page }, program.id);
  }

  @FieldResolver(() => ObservationConnection, { description: 'Figures about this program.' })
  @Reads()
  async observations(
    @Root() program: ProgramRow,
    @Arg('filter', () => ObservationFilter, { nullable: true, description: 'Which figures.' }) filter: ObservationFilter | null,
    @Arg('orderBy', () => [ObservationOrder], { nullable: true, description: 'Sort keys. Default: PERIOD_END ascending.' }) orderBy: ObservationOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, figuresOfProgram, { filter, orderBy, ...page }, program.id);
  }

  @FieldResolver(() => [LinkedOrganization], {
    description: `Organizations linked to it in parts other than \`leadOrganization\`, each with its role and the sentence that states it, by organization slug (at most ${MAX_ORGANIZATION_LINKS}).`,
  })
  @MaxItems(MAX_ORGANIZATION_LINKS)
  @ReadsWholeRow()
  async organizations(@Root() program: ProgramRow, @Ctx() context: Context) {
    return atMost(MAX_ORGANIZATION_LINKS, await organizationsLinkedTo(context, 'program', program.id));
  }

  @FieldResolver(() => [SourceCitation], { description: `The sentences of the sources this record was taken from (at most ${MAX_CITATIONS}).` })
  @MaxItems(MAX_CITATIONS)
  @Reads()
  async sources(@Root() program: ProgramRow, @Ctx() context: Context) {
    return atMost(MAX_CITATIONS, await programCitationsOf(context).load(program.id));
  }
}

/** Program.children: the programs that are part of one. */
const childPrograms = nestedList<{ filter?: ProgramFilter | null; orderBy?: ProgramOrder[] | null }>({
  parentType: 'Program',
  field: 'children',
  projection: programProjection,
  list: ({ filter, orderBy }, columns) => programList(filter, orderBy, columns),
  belongsTo: childProgramsOf,
});
