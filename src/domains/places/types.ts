import { RecordFilter } from '../../graphql/filters.js';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type { divisions, organizations } from '../../db/tables/index.js';
import type { DivisionLevel, OrganizationKind } from '../../db/vocabulary.js';
import { DivisionLevelEnum, OrganizationKindEnum } from '../../graphql/enums.js';
import { Node } from '../../graphql/node.js';

export type DivisionRow = typeof divisions.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;

@ObjectType({ implements: Node, description: 'An administrative division: the district, a subdistrict or town, a community.', simpleResolvers: true })
export class Division extends Node {
  @Field(() => String, {
    description:
      'Division code: GB/T 2260 for the district (500104), 9 digits for subdistricts and towns (GB/T 10114 style). Provisional codes of communities read <parent code>-<pinyin>.',
  })
  code!: string;

  @Field(() => DivisionLevelEnum, { description: 'District, subdistrict, town or community.' })
  level!: DivisionLevel;

  @Field(() => Boolean, { description: "Is the code confirmed by a public standard? False where it follows the standard's pattern unconfirmed." })
  verified!: boolean;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

@ObjectType({ implements: Node, description: 'A department, office or operator named in the sources.', simpleResolvers: true })
export class Organization extends Node {
  @Field(() => String, { description: 'Stable, readable key.' })
  slug!: string;

  @Field(() => OrganizationKindEnum, { description: 'What kind of body it is.' })
  kind!: OrganizationKind;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

@InputType({ description: 'Narrows a list of divisions. All given conditions must hold; combine filters with and, or, not.' })
export class DivisionFilter extends RecordFilter {
  @Field(() => [DivisionLevelEnum], { nullable: true, description: 'Any of these levels.' })
  level?: DivisionLevel[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of these codes.' })
  code?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Directly under the division with this code.' })
  parentCode?: string | null;

  @Field(() => String, { nullable: true, description: 'This division or any division under it, at any depth (a code).' })
  withinCode?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the code is confirmed by a public standard; false: it is not.' })
  verified?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Words that the Chinese or English name contains, each of them.' })
  search?: string | null;

  @Field(() => [DivisionFilter], { nullable: true, description: 'Every one of these filters holds too.' })
  and?: DivisionFilter[] | null;

  @Field(() => [DivisionFilter], { nullable: true, description: 'At least one of these filters holds too (an empty list matches nothing).' })
  or?: DivisionFilter[] | null;

  @Field(() => DivisionFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: DivisionFilter | null;
}

@InputType({ description: 'Narrows a list of organizations. All given conditions must hold; combine filters with and, or, not.' })
export class OrganizationFilter extends RecordFilter {
  @Field(() => [OrganizationKindEnum], { nullable: true, description: 'Any of these kinds.' })
  kind?: OrganizationKind[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of these slugs.' })
  slug?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'In any of these divisions or any division under them (codes).' })
  divisionCode?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Words that the Chinese or English name contains, each of them.' })
  search?: string | null;

  @Field(() => [OrganizationFilter], { nullable: true, description: 'Every one of these filters holds too.' })
  and?: OrganizationFilter[] | null;

  @Field(() => [OrganizationFilter], { nullable: true, description: 'At least one of these filters holds too (an empty list matches nothing).' })
  or?: OrganizationFilter[] | null;

  @Field(() => OrganizationFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: OrganizationFilter | null;
}
