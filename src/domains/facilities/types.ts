import { RecordFilter } from '../../graphql/filters.js';
import { GraphQLLatitude, GraphQLLongitude } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { facilities } from '../../db/tables/index.js';
import type { Domain, FacilityCategory, FacilityStatus } from '../../db/vocabulary.js';
import { DomainEnum, FacilityCategoryEnum, FacilityStatusEnum, OrderDirection } from '../../graphql/enums.js';
import { Node } from '../../graphql/node.js';
import { orderingFor } from '../../graphql/ordering.js';
import type { ProgramFilter } from '../programs/types.js';

export const MAX_RADIUS_METERS = 100_000;

/** A facility row; `distanceMeters` is selected only when the list has `filter.near`. */
export type FacilityRow = typeof facilities.$inferSelect & { distanceMeters?: number | null };

@ObjectType({ description: 'A point on the map in WGS 84.', simpleResolvers: true })
export class GeoPoint {
  @Field(() => GraphQLLongitude, { description: 'Longitude, WGS 84 degrees.' })
  longitude!: number;

  @Field(() => GraphQLLatitude, { description: 'Latitude, WGS 84 degrees.' })
  latitude!: number;

  @Field(() => String, { description: 'How precise the point is (e.g. "building", "street").' })
  precision!: string;
}

@ObjectType({ implements: Node, description: 'A place where a public service is delivered: a school, a care home, a museum.', simpleResolvers: true })
export class Facility extends Node {
  @Field(() => String, { description: 'Stable, readable key, e.g. "yuxin-primary-school".' })
  slug!: string;

  @Field(() => FacilityCategoryEnum, { description: 'What kind of place it is.' })
  category!: FacilityCategory;

  @Field(() => DomainEnum, { description: 'The public-service domain it serves.' })
  domain!: Domain;

  @Field(() => FacilityStatusEnum, { description: 'Whether it is in service, being built or planned.' })
  status!: FacilityStatus;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

@InputType({ description: 'Facilities within a distance of a point.' })
export class NearInput {
  @Field(() => Float, { description: 'Latitude of the point, WGS 84 degrees (-90 to 90).' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude of the point, WGS 84 degrees (-180 to 180).' })
  longitude!: number;

  @Field(() => Float, { description: `How far from the point, in metres: more than 0, at most ${MAX_RADIUS_METERS}.` })
  radiusMeters!: number;
}

@InputType({ description: 'Facilities inside a box of latitudes and longitudes (WGS 84), edges included.' })
export class BoundingBoxInput {
  @Field(() => Float, { description: 'Southern edge, degrees of latitude.' })
  south!: number;

  @Field(() => Float, { description: 'Western edge, degrees of longitude.' })
  west!: number;

  @Field(() => Float, { description: 'Northern edge, degrees of latitude.' })
  north!: number;

  @Field(() => Float, { description: 'Eastern edge, degrees of longitude (a box may not cross the 180° meridian).' })
  east!: number;
}

@InputType({ description: 'Narrows a list of facilities. All given conditions must hold; combine filters with and, or, not.' })
export class FacilityFilter extends RecordFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'Words that the Chinese or English name or description contains, each of them (e.g. "养老", "primary school"). Two Chinese characters are enough.',
  })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Any of these slugs.' })
  slug?: string[] | null;

  @Field(() => [FacilityCategoryEnum], { nullable: true, description: 'Any of these categories.' })
  category?: FacilityCategory[] | null;

  @Field(() => [DomainEnum], { nullable: true, description: 'Any of these domains.' })
  domain?: Domain[] | null;

  @Field(() => [FacilityStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  status?: FacilityStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'In any of these divisions or any division under them (division codes, e.g. "500104001").' })
  divisionCode?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Operated by any of these organizations (slugs).' })
  operatorSlug?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the division is known; false: it is not.' })
  hasDivision?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the operator is known; false: it is not.' })
  hasOperator?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the location is known; false: it is not.' })
  hasLocation?: boolean | null;

  /** Declared as a field by the participation module (which links facilities and programs). */
  program?: ProgramFilter | null;

  @Field(() => NearInput, { nullable: true, description: 'Within a distance of a point; fills `distanceMeters` and allows ordering by DISTANCE.' })
  near?: NearInput | null;

  @Field(() => BoundingBoxInput, { nullable: true, description: 'Inside a box of latitudes and longitudes.' })
  within?: BoundingBoxInput | null;

  @Field(() => [FacilityFilter], { nullable: true, description: 'Every one of these filters holds too.' })
  and?: FacilityFilter[] | null;

  @Field(() => [FacilityFilter], { nullable: true, description: 'At least one of these filters holds too (an empty list matches nothing).' })
  or?: FacilityFilter[] | null;

  @Field(() => FacilityFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: FacilityFilter | null;
}

export const facilityOrdering = orderingFor(
  'Facility',
  {
    SLUG: { column: 'slug', type: 'text', description: 'The slug.' },
    NAME: { column: 'name_zh', type: 'text', description: 'The Chinese name (by code point).' },
    NAME_EN: { column: 'name_en', type: 'text', description: 'The English name.' },
    CATEGORY: { column: 'category', type: 'text', description: 'The category.' },
    STATUS: { column: 'status', type: 'text', description: 'The status.' },
    DOMAIN: { column: 'domain', type: 'text', description: 'The domain.' },
    RELEVANCE: {
      special: 'relevance',
      description:
        'How well the name matches `filter.search`: whole name, then start, then inside a name, then other text. Needs `filter.search`; the default order when it is given.',
    },
    DISTANCE: { special: 'distance', description: 'Distance from `filter.near`, nearest first. Needs `filter.near`.' },
  },
  [{ field: 'SLUG', direction: OrderDirection.ASC }],
);
export const FacilityOrder = facilityOrdering.Order;
export type FacilityOrder = InstanceType<typeof FacilityOrder>;
