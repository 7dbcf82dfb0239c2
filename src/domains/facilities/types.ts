import { GraphQLLatitude, GraphQLLongitude } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';
import type { facilities } from '../../db/tables/index.js';
import type { Domain, FacilityCategory, FacilityStatus } from '../../db/vocabulary.js';
import { DomainEnum, FacilityCategoryEnum, FacilityStatusEnum, OrderDirection } from '../../graphql/enums.js';
import { Node } from '../../graphql/node.js';
import { orderingFor } from '../../graphql/ordering.js';

export type FacilityRow = typeof facilities.$inferSelect;

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
}

@InputType({ description: 'Narrows a list of facilities; all given conditions must hold.' })
export class FacilityFilter {
  @Field(() => String, { nullable: true, description: 'Text that the Chinese or English name or description contains (e.g. "养老", "school").' })
  search?: string | null;

  @Field(() => [FacilityCategoryEnum], { nullable: true, description: 'Any of these categories.' })
  category?: FacilityCategory[] | null;

  @Field(() => [DomainEnum], { nullable: true, description: 'Any of these domains.' })
  domain?: Domain[] | null;

  @Field(() => [FacilityStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  status?: FacilityStatus[] | null;

  @Field(() => String, { nullable: true, description: 'In this division or any division under it (a division code, e.g. "500104001").' })
  divisionCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Operated by this organization (its slug).' })
  operatorSlug?: string | null;
}

export const facilityOrdering = orderingFor(
  'Facility',
  {
    SLUG: { column: 'slug', type: 'text', description: 'The slug.' },
    NAME: { column: 'name_zh', type: 'text', description: 'The Chinese name (by code point).' },
    NAME_EN: { column: 'name_en', type: 'text', description: 'The English name.' },
    CATEGORY: { column: 'category', type: 'text', description: 'The category.' },
  },
  [{ field: 'SLUG', direction: OrderDirection.ASC }],
);
export const FacilityOrder = facilityOrdering.Order;
export type FacilityOrder = InstanceType<typeof FacilityOrder>;
