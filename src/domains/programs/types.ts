import { GraphQLDate } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';
import type { programs } from '../../db/tables/index.js';
import type { Domain, ProgramKind, ProgramStatus } from '../../db/vocabulary.js';
import { DomainEnum, OrderDirection, ProgramKindEnum, ProgramStatusEnum } from '../../graphql/enums.js';
import { Node } from '../../graphql/node.js';
import { orderingFor } from '../../graphql/ordering.js';

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
}

@InputType({ description: 'Narrows a list of programs; all given conditions must hold.' })
export class ProgramFilter {
  @Field(() => String, { nullable: true, description: 'Text that the Chinese or English name or description contains (e.g. "教育集团").' })
  search?: string | null;

  @Field(() => [DomainEnum], { nullable: true, description: 'Any of these domains.' })
  domain?: Domain[] | null;

  @Field(() => [ProgramKindEnum], { nullable: true, description: 'Any of these kinds.' })
  kind?: ProgramKind[] | null;

  @Field(() => [ProgramStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  status?: ProgramStatus[] | null;

  @Field(() => String, { nullable: true, description: 'Led by this organization (its slug).' })
  leadOrganizationSlug?: string | null;

  @Field(() => String, { nullable: true, description: 'Taking place in this division or any division under it (a division code).' })
  divisionCode?: string | null;
}

export const programOrdering = orderingFor(
  'Program',
  {
    SLUG: { column: 'slug', type: 'text', description: 'The slug.' },
    NAME: { column: 'name_zh', type: 'text', description: 'The Chinese name (by code point).' },
    NAME_EN: { column: 'name_en', type: 'text', description: 'The English name.' },
    KIND: { column: 'kind', type: 'text', description: 'The kind.' },
  },
  [{ field: 'SLUG', direction: OrderDirection.ASC }],
);
export const ProgramOrder = programOrdering.Order;
export type ProgramOrder = InstanceType<typeof ProgramOrder>;
