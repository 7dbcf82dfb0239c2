import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLJSONObject, GraphQLDateTime } from 'graphql-scalars';
import { Arg, Args, Ctx, FieldResolver, Float, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { nestedConnection } from '../../graphql/nestedList.js';
import { atMost, MAX_CITATIONS, MaxItems } from '../../graphql/listBound.js';
import { toGlobalId } from '../../graphql/globalId.js';
import { Language, inLanguage } from '../../graphql/language.js';
import { toConnection } from '../../graphql/relay/connection.js';
import { lookUpWithList } from '../../graphql/lookAhead.js';
import { Reads, ReadsWholeRow } from '../../graphql/projection.js';
import { loadRootPage } from '../../graphql/relay/load.js';
import { ForwardPageArgs, PageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { LanguageArg } from '../../graphql/text.js';
import { Division, Organization } from '../places/types.js';
import { LinkedOrganization, MAX_ORGANIZATION_LINKS } from '../places/linkTypes.js';
import { organizationsLinkedTo } from '../places/organizationLinks.js';
import { divisionById, organizationById } from '../places/queries.js';
import { SourceCitation } from '../sources/types.js';
import { ObservationConnection } from '../statistics/connection.js';
import { figuresOfFacility } from '../statistics/queries.js';
import { ObservationFilter, ObservationOrder } from '../statistics/types.js';
import { toGeoJsonFeature } from './geojson.js';
import { FacilityConnection } from './connection.js';
import { facilityBySlug, facilityCitationsOf, facilityList, facilityProjection, facilityWithSlug } from './queries.js';
import { Facility, FacilityFilter, FacilityOrder, GeoPoint, type FacilityRow } from './types.js';
import { RETIRED_AT_DESCRIPTION, RETIREMENT_DESCRIPTION, retiredAtOf, retirementOf } from '../nodes/tombstones.js';
import { facilitiesSeed } from './seed.js';

@Resolver(() => Facility)
export class FacilityResolver {
  @Query(() => Facility, { nullable: true, description: 'One facility by its slug, or null if there is none.' })
  facility(@Arg('slug', () => String, { description: "The facility's slug." }) slug: string, @Info() info: GraphQLResolveInfo, @Ctx() context: Context) {
    return lookUpWithList<FacilityRow>(context, info, facilityWithSlug(slug), () => facilityBySlug(context).load(slug));
  }

  @Query(() => FacilityConnection, { description: 'Facilities: schools, care homes, canteens, clinics, museums, venues.' })
  async facilities(
    @Arg('filter', () => FacilityFilter, { nullable: true, description: 'Which facilities.' }) filter: FacilityFilter | null,
    @Arg('orderBy', () => [FacilityOrder], { nullable: true, description: 'Sort keys, first one first. Default: SLUG.' }) orderBy: FacilityOrder[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadRootPage<FacilityRow>(
      context,
      facilityList(filter, orderBy, facilityProjection.forConnection(info)),
      toPageRequest(page),
    );
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  @Reads<FacilityRow>('slug')
  id(@Root() facility: FacilityRow) {
    return toGlobalId('Facility', facility.slug);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  @Reads<FacilityRow>('retiredAt')
  retiredAt(@Root() facility: FacilityRow) {
    return retiredAtOf(facility.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  @Reads<FacilityRow>('slug', 'retiredAt')
  retirement(@Root() facility: FacilityRow, @Ctx() context: Context) {
    return retirementOf(context, facilitiesSeed.name, facility.slug, facility.retiredAt);
  }

  @FieldResolver(() => String, { description: "The facility's name." })
  @Reads<FacilityRow>('nameZh', 'nameEn')
  name(@Root() facility: FacilityRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, facility.nameZh, facility.nameEn);
  }

  @FieldResolver(() => String, { nullable: true, description: 'What the facility is and does, from the source.' })
  @Reads<FacilityRow>('descriptionZh', 'descriptionEn')
  description(@Root() facility: FacilityRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, facility.descriptionZh, facility.descriptionEn);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Street address, where a source gives it.' })
  @Reads<FacilityRow>('addressZh', 'addressEn')
  address(@Root() facility: FacilityRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, facility.addressZh, facility.addressEn);
  }

  @FieldResolver(() => GeoPoint, { nullable: true, description: 'Where it is, only where a reliable public source says so; never guessed.' })
  @Reads<FacilityRow>('longitude', 'latitude', 'locationPrecision')
  location(@Root() facility: FacilityRow): GeoPoint | null {
    if (facility.longitude == null || facility.latitude == null) return null;
    return { longitude: facility.longitude, latitude: facility.latitude, precision: facility.locationPrecision ?? 'unknown' };
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Great-circle distance in metres from the point of `filter.near`; null in lists without it.' })
  @Reads() // selected by the list itself when it is asked `near`
  distanceMeters(@Root() facility: FacilityRow) {
    return facility.distanceMeters ?? null;
  }

  @FieldResolver(() => GraphQLJSONObject, {
    description: 'The facility as an RFC 7946 GeoJSON Feature (geometry null where the location is unknown), for maps.',
  })
  @ReadsWholeRow()
  geojson(@Root() facility: FacilityRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return toGeoJsonFeature(facility, lang ?? context.language);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The division it is in, where known.' })
  @Reads<FacilityRow>('divisionId')
  division(@Root() facility: FacilityRow, @Ctx() context: Context) {
    return facility.divisionId == null ? null : divisionById(context).load(facility.divisionId);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'Who runs it, where known.' })
  @Reads<FacilityRow>('operatorId')
  operator(@Root() facility: FacilityRow, @Ctx() context: Context) {
    return facility.operatorId == null ? null : organizationById(context).load(facility.operatorId);
  }

  @FieldResolver(() => ObservationConnection, { description: 'Figures about this facility.' })
  @Reads()
  async observations(
    @Root() facility: FacilityRow,
    @Arg('filter', () => ObservationFilter, { nullable: true, description: 'Which figures.' }) filter: ObservationFilter | null,
    @Arg('orderBy', () => [ObservationOrder], { nullable: true, description: 'Sort keys. Default: PERIOD_END ascending.' }) orderBy: ObservationOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, figuresOfFacility, { filter, orderBy, ...page }, facility.id);
  }

  @FieldResolver(() => [LinkedOrganization], {
    description: `Organizations linked to it in parts other than \`operator\`, each with its role and the sentence that states it, by organization slug (at most ${MAX_ORGANIZATION_LINKS}).`,
  })
  @MaxItems(MAX_ORGANIZATION_LINKS)
  @ReadsWholeRow()
  async organizations(@Root() facility: FacilityRow, @Ctx() context: Context) {
    return atMost(MAX_ORGANIZATION_LINKS, await organizationsLinkedTo(context, 'facility', facility.id));
  }

  @FieldResolver(() => [SourceCitation], { description: `The sentences of the sources this record was taken from (at most ${MAX_CITATIONS}).` })
  @MaxItems(MAX_CITATIONS)
  @Reads()
  async sources(@Root() facility: FacilityRow, @Ctx() context: Context) {
    return atMost(MAX_CITATIONS, await facilityCitationsOf(context).load(facility.id));
  }
}
