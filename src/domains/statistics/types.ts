import { GraphQLDate } from '../../graphql/dateScalar.js';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { indicators, observations } from '../../db/tables/index.js';
import type { Domain, Measure, ObservationStatus, Unit, ValueQualifier } from '../../db/vocabulary.js';
import { DomainEnum, MeasureEnum, ObservationStatusEnum, OrderDirection, UnitEnum, ValueQualifierEnum } from '../../graphql/enums.js';
import { Node } from '../../graphql/node.js';
import { graphqlEnum } from '../../graphql/enums.js';
import { indicatorKinds, type IndicatorKind } from '../../db/tables/statistics.js';
import { DateInterval, DateRange, FloatRange, RecordFilter } from '../../graphql/filters.js';
import { orderingFor } from '../../graphql/ordering.js';

export type IndicatorRow = typeof indicators.$inferSelect;
export type ObservationRow = typeof observations.$inferSelect;

export const IndicatorKindEnum = graphqlEnum(
  'IndicatorKind',
  'What kind of quantity an indicator is, which decides what its figures add up to (observationAggregate).',
  indicatorKinds,
);

@ObjectType({ implements: Node, description: 'What is measured, e.g. "new primary and secondary school places".', simpleResolvers: true })
export class Indicator extends Node {
  @Field(() => String, { description: 'Stable, readable code.' })
  code!: string;

  @Field(() => UnitEnum, { description: 'The unit every observation of it is in.' })
  unit!: Unit;

  @Field(() => DomainEnum, { description: 'The public-service domain.' })
  domain!: Domain;

  @Field(() => IndicatorKindEnum, {
    description:
      'A STOCK (its figures are LEVELs at a date), a FLOW (COUNTs over their own period, or CUMULATIVE totals from an earlier start), a RATIO (SHAREs) or a CHANGE (YOY_CHANGEs): what its figures may be added up to.',
  })
  kind!: IndicatorKind;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

@ObjectType({
  implements: Node,
  description: "One figure: an indicator's value for an area and period, with the sentence it was taken from.",
  simpleResolvers: true,
})
export class Observation extends Node {
  @Field(() => String, { description: 'Stable, readable key.' })
  key!: string;

  @Field(() => Float, { description: 'The value in base units: 46亿元 is 4600000000 (CNY), 92% is 92 (PERCENT), 同比下降48% is -48.' })
  value!: number;

  @Field(() => ValueQualifierEnum, { description: 'How exact the value is, as the source hedged it.' })
  qualifier!: ValueQualifier;

  @Field(() => UnitEnum, { description: 'The unit of `value`.' })
  unit!: Unit;

  @Field(() => MeasureEnum, {
    description:
      "What the value measures: a LEVEL (a stock at the period end), a COUNT over its own period, a CUMULATIVE total from an earlier (often unstated) start up to the period end, a YOY_CHANGE, a SHARE. It agrees with its indicator's `kind`; a cumulative total never adds to a count of its own period.",
  })
  measure!: Measure;

  @Field(() => ObservationStatusEnum, { description: 'An outcome or a plan.' })
  status!: ObservationStatus;

  @Field(() => DomainEnum, {
    nullable: true,
    description:
      "The domain of the source section the figure is stated in, where that is not its indicator's domain (the figure is then found by a filter on either domain).",
  })
  reportedInDomain!: Domain | null;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

/** A period as resolvers hand it on. */
export interface PeriodData {
  start: string | null;
  end: string;
  labelZh: string | null;
  labelEn: string | null;
}

@ObjectType({ description: 'The time a figure is about. A level is at `end`; a count runs from `start` to `end`.', simpleResolvers: true })
export class Period {
  @Field(() => GraphQLDate, { nullable: true, description: 'First day, where known.' })
  start!: string | null;

  @Field(() => GraphQLDate, { description: 'Last day (截至11月底 is 2023-11-30).' })
  end!: string;

  labelZh!: string | null;
  labelEn!: string | null;
}

@InputType({ description: 'Narrows a list of figures. All given conditions must hold; combine filters with and, or, not.' })
export class ObservationFilter extends RecordFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Words in the figure\'s label or source quote, or in its indicator\'s names (e.g. "学位", "canteen"); each of them.',
  })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Any of these observation keys.' })
  key?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Of any of these indicators (codes).' })
  indicatorCode?: string[] | null;

  @Field(() => [DomainEnum], {
    nullable: true,
    description: 'Of indicators in any of these domains, or stated in a source section of one of them (`reportedInDomain`).',
  })
  domain?: Domain[] | null;

  @Field(() => [UnitEnum], { nullable: true, description: 'In any of these units.' })
  unit?: Unit[] | null;

  @Field(() => [String], { nullable: true, description: 'About any of these divisions or any division under them (division codes).' })
  divisionCode?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'About any of these facilities (slugs).' })
  facilitySlug?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'About any of these programs (slugs).' })
  programSlug?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: about a facility; false: not about one.' })
  hasFacility?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: about a program; false: not about one.' })
  hasProgram?: boolean | null;

  @Field(() => [MeasureEnum], { nullable: true, description: 'Any of these measures.' })
  measure?: Measure[] | null;

  @Field(() => [ObservationStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  status?: ObservationStatus[] | null;

  @Field(() => [ValueQualifierEnum], { nullable: true, description: 'Any of these qualifiers.' })
  qualifier?: ValueQualifier[] | null;

  @Field(() => FloatRange, { nullable: true, description: 'The value (in base units) within this range.' })
  value?: FloatRange | null;

  @Field(() => DateRange, { nullable: true, description: 'The period ends within this range.' })
  periodEnd?: DateRange | null;

  @Field(() => DateInterval, { nullable: true, description: 'The period overlaps this interval (a period without a start is the day it ends).' })
  periodOverlaps?: DateInterval | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only figures the sources contradict; false: only uncontested ones.' })
  conflicting?: boolean | null;

  @Field(() => [ObservationFilter], { nullable: true, description: 'Every one of these filters holds too.' })
  and?: ObservationFilter[] | null;

  @Field(() => [ObservationFilter], { nullable: true, description: 'At least one of these filters holds too (an empty list matches nothing).' })
  or?: ObservationFilter[] | null;

  @Field(() => ObservationFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: ObservationFilter | null;
}

@InputType({ description: 'Narrows a list of indicators. All given conditions must hold; combine filters with and, or, not.' })
export class IndicatorFilter extends RecordFilter {
  @Field(() => String, { nullable: true, description: 'Words that the Chinese or English name or description contains, each of them.' })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Any of these codes.' })
  code?: string[] | null;

  @Field(() => [DomainEnum], { nullable: true, description: 'Any of these domains.' })
  domain?: Domain[] | null;

  @Field(() => [UnitEnum], { nullable: true, description: 'Any of these units.' })
  unit?: Unit[] | null;

  @Field(() => [IndicatorKindEnum], { nullable: true, description: 'Any of these kinds (STOCK, FLOW, RATIO, CHANGE).' })
  kind?: IndicatorKind[] | null;

  @Field(() => [IndicatorFilter], { nullable: true, description: 'Every one of these filters holds too.' })
  and?: IndicatorFilter[] | null;

  @Field(() => [IndicatorFilter], { nullable: true, description: 'At least one of these filters holds too (an empty list matches nothing).' })
  or?: IndicatorFilter[] | null;

  @Field(() => IndicatorFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: IndicatorFilter | null;
}

export const observationOrdering = orderingFor(
  'Observation',
  {
    PERIOD_END: { column: 'period_end', type: 'date', description: 'The end of the period (a time series).' },
    VALUE: { column: 'value', type: 'double precision', description: 'The value.' },
    KEY: { column: 'key', type: 'text', description: 'The key.' },
    RELEVANCE: {
      special: 'relevance',
      description:
        'How well the label matches `filter.search`: whole label, then start, then inside, then the quote or the indicator. Needs `filter.search`; the default order when it is given.',
    },
  },
  [{ field: 'PERIOD_END', direction: OrderDirection.ASC }],
);
export const ObservationOrder = observationOrdering.Order;
export type ObservationOrder = InstanceType<typeof ObservationOrder>;

export const indicatorOrdering = orderingFor(
  'Indicator',
  {
    CODE: { column: 'code', type: 'text', description: 'The code.' },
    NAME: { column: 'name_zh', type: 'text', description: 'The Chinese name (by code point).' },
    NAME_EN: { column: 'name_en', type: 'text', description: 'The English name.' },
    DOMAIN: { column: 'domain', type: 'text', description: 'The domain.' },
    UNIT: { column: 'unit', type: 'text', description: 'The unit.' },
    RELEVANCE: { special: 'relevance', description: 'How well the name matches `filter.search`. Needs `filter.search`; the default order when it is given.' },
  },
  [{ field: 'CODE', direction: OrderDirection.ASC }],
);
export const IndicatorOrder = indicatorOrdering.Order;
export type IndicatorOrder = InstanceType<typeof IndicatorOrder>;
