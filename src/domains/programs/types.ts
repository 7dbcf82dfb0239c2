import { GraphQLDate } from '../../graphql/dateScalar.js';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type { programs } from '../../db/tables/index.js';
import type { Domain, ProgramKind, ProgramStatus } from '../../db/vocabulary.js';
import { DomainEnum, OrderDirection, ProgramKindEnum, ProgramStatusEnum } from '../../graphql/enums.js';
import { Node } from '../../graphql/node.js';
import { DateRange, RecordFilter } from '../../graphql/filters.js';
import { orderingFor } from '../../graphql/ordering.js';
import type { FacilityFilter } from '../facilities/types.js';

export type ProgramRow = typeof programs.$inferSelect;

@ObjectType({ implements: Node, description: 'An initiative, service, event series, campaign, school group, award or policy.', simpleResolvers: true })
export class Program extends Node {
  @Field(() => String, { description: 'Stable, readable key.' })
  slug!: string;

  @Field(() => DomainEnum, { description: 'The public-service domain.' })
  domain!: Domain;

  @Field(() => ProgramKindEnum, { description: 'What kind of program it is.' })
  kind!: ProgramKind;

  @Field(() => ProgramStatusEnum, { description: 'Whether it is running, finished or planned.' })
  status!: ProgramStatus;

  @Field(() => GraphQLDate, { nullable: true, description: 'When it started, where a source says so.' })
  startDate!: string | null;

  @Field(() => GraphQLDate, { nullable: true, description: 'When it ended or ends, where a source says so.' })
  endDate!: string | null;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

@InputType({ description: 'Narrows a list of programs. All given conditions must hold; combine filters with and, or, not.' })
export class ProgramFilter extends RecordFilter {
  @Field(() => String, { nullable: true, description: 'Words that the Chinese or English name or description contains, each of them (e.g. "教育集团").' })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Any of these slugs.' })
  slug?: string[] | null;

  @Field(() => [DomainEnum], { nullable: true, description: 'Any of these domains.' })
  domain?: Domain[] | null;

  @Field(() => [ProgramKindEnum], { nullable: true, description: 'Any of these kinds.' })
  kind?: ProgramKind[] | null;

  @Field(() => [ProgramStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  status?: ProgramStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'Led by any of these organizations (slugs).' })
  leadOrganizationSlug?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Taking place in any of these divisions or any division under them (division codes).' })
  divisionCode?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Part of any of these programs (slugs).' })
  parentSlug?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: part of another program; false: top-level.' })
  hasParent?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the lead organization is known; false: it is not.' })
  hasLeadOrganization?: boolean | null;

  @Field(() => DateRange, { nullable: true, description: 'Started within this range (programs without a start date never match).' })
  startDate?: DateRange | null;

  @Field(() => DateRange, { nullable: true, description: 'Ended or ends within this range (programs without an end date never match).' })
  endDate?: DateRange | null;

  /** Declared as a field by the participation module (which links facilities and programs). */
  facility?: FacilityFilter | null;

  @Field(() => [ProgramFilter], { nullable: true, description: 'Every one of these filters holds too.' })
  and?: ProgramFilter[] | null;

  @Field(() => [ProgramFilter], { nullable: true, description: 'At least one of these filters holds too (an empty list matches nothing).' })
  or?: ProgramFilter[] | null;

  @Field(() => ProgramFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: ProgramFilter | null;
}

export const programOrdering = orderingFor(
  'Program',
  {
    SLUG: { column: 'slug', type: 'text', description: 'The slug.' },
    NAME: { column: 'name_zh', type: 'text', description: 'The Chinese name (by code point).' },
    NAME_EN: { column: 'name_en', type: 'text', description: 'The English name.' },
    KIND: { column: 'kind', type: 'text', description: 'The kind.' },
    STATUS: { column: 'status', type: 'text', description: 'The status.' },
    DOMAIN: { column: 'domain', type: 'text', description: 'The domain.' },
    RELEVANCE: {
      special: 'relevance',
      description:
        'How well the name matches `filter.search`: whole name, then start, then inside a name, then other text. Needs `filter.search`; the default order when it is given.',
    },
  },
  [{ field: 'SLUG', direction: OrderDirection.ASC }],
);
export const ProgramOrder = programOrdering.Order;
export type ProgramOrder = InstanceType<typeof ProgramOrder>;
