import { Arg, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { ValueQualifierEnum } from '../../graphql/enums.js';
import { badUserInput } from '../../graphql/errors.js';
import { atMost, MaxItems } from '../../graphql/listBound.js';
import { MAX_PAGE_SIZE } from '../../graphql/relay/pageArgs.js';
import { divisionById } from '../places/queries.js';
import { Division } from '../places/types.js';
import {
  aggregateObservations,
  assertOneUnit,
  ConflictPolicy,
  contestedFiguresOf,
  fromGroupTotal,
  groupTotal,
  MAX_GROUPS,
  ObservationGroup,
  ObservationGroupBy,
  type ObservationGroupRow,
} from './aggregate.js';
import { indicatorById, observationByKey } from './queries.js';
import { Indicator, Observation, ObservationFilter, type ObservationRow } from './types.js';

const loadFigures = async (context: Context, keys: string[]) =>
  (await observationByKey(context).loadMany(keys)).filter((row): row is ObservationRow => row != null && !(row instanceof Error));

@Resolver(() => ObservationGroup)
export class ObservationAggregateResolver {
  @Query(() => [ObservationGroup], {
    description:
      `Figures grouped and aggregated (count, sum, avg, min, max); at most ${MAX_GROUPS} groups. count, min and max describe every figure; sum and avg ` +
      'add only what adds up (see ObservationGroup): different units, shares and changes, cumulative totals with period figures, levels of different years, ' +
      "overlapping periods, a division's figure with one of the same indicator for a division inside it, and (by default) figures the sources contradict are refused with a BAD_USER_INPUT that names the figures and says how to regroup.",
  })
  @MaxItems(MAX_GROUPS)
  observationAggregate(
    @Arg('filter', () => ObservationFilter, { nullable: true, description: 'Which figures.' }) filter: ObservationFilter | null,
    @Arg('groupBy', () => [ObservationGroupBy], { description: 'What to group by; an empty list gives one group of everything.' })
    groupBy: ObservationGroupBy[],
    @Arg('conflicts', () => ConflictPolicy, {
      defaultValue: ConflictPolicy.ERROR,
      description:
        'What sums and averages do with figures the sources contradict: ERROR refuses them (the default), EXCLUDE leaves them all out, LOWEST or HIGHEST lets one of each conflict in. The group says how many there were (`contested`) and which were left out (`excluded`).',
    })
    conflicts: ConflictPolicy,
    @Ctx() context: Context,
  ) {
    if (groupBy.length > 6) throw badUserInput('groupBy takes each key at most once.', { argument: 'groupBy' });
    return aggregateObservations(context, filter, groupBy, conflicts);
  }

  @FieldResolver(() => Indicator, { nullable: true, description: 'The indicator, when grouped by INDICATOR.' })
  indicator(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    return group.indicatorId == null ? null : indicatorById(context).load(group.indicatorId);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The division, when grouped by DIVISION.' })
  division(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    if (group.division !== undefined) return group.division;
    return group.divisionId == null ? null : divisionById(context).load(group.divisionId);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'The total of the figures that add up: flows (COUNT) over their own periods; of each series of levels or cumulative totals, its latest figure in the year; of contested figures, what `conflicts` says. Null when no figure enters it. Refused when the figures do not add up (see ObservationGroup); read `qualifier` with it.',
  })
  sum(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    assertOneUnit(group, 'sum');
    return fromGroupTotal(context, group, (total) => total.sum);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The mean of the figures that enter `sum` (`sum` / `summed`); refused where `sum` is.' })
  avg(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    assertOneUnit(group, 'avg');
    return fromGroupTotal(context, group, (total) => (total.sum == null ? null : total.sum / total.summed));
  }

  @FieldResolver(() => ValueQualifierEnum, {
    nullable: true,
    description:
      'How exact `sum` and `avg` are: EXACT when every figure entering them is; AT_LEAST when one is a lower bound (余, 多); NEARLY or AT_MOST for 近 or an upper bound; APPROXIMATE for 约, or bounds both ways. Null when no figure enters; refused where `sum` is.',
  })
  qualifier(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    assertOneUnit(group, 'sum');
    return fromGroupTotal(context, group, (total) => total.qualifier);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'How many figures entered `sum` and `avg` (fewer than `count` when earlier levels of a year, or contested figures, stay out); refused where `sum` is.',
  })
  summed(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    assertOneUnit(group, 'sum');
    return fromGroupTotal(context, group, (total) => total.summed);
  }

  @FieldResolver(() => [Observation], {
    description: `The contested figures left out of \`sum\` and \`avg\` by the \`conflicts\` policy (empty when there were none; the first ${MAX_PAGE_SIZE} by key); refused where \`sum\` is.`,
  })
  @MaxItems(MAX_PAGE_SIZE)
  async excluded(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    if (group.contested === 0) return [];
    assertOneUnit(group, 'sum');
    return loadFigures(context, atMost(MAX_PAGE_SIZE, (await groupTotal(context, group)).excluded));
  }

  @FieldResolver(() => [Observation], {
    description: `The figures of the group the sources contradict, whatever \`conflicts\` says (empty when \`contested\` is 0; the first ${MAX_PAGE_SIZE} by key).`,
  })
  @MaxItems(MAX_PAGE_SIZE)
  async conflicting(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    if (group.contested === 0) return [];
    return loadFigures(context, atMost(MAX_PAGE_SIZE, await contestedFiguresOf(context, group)));
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The smallest value of every figure in the group; refused when the group mixes units.' })
  min(@Root() group: ObservationGroupRow) {
    assertOneUnit(group, 'min');
    return group.min;
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The largest value of every figure in the group; refused when the group mixes units.' })
  max(@Root() group: ObservationGroupRow) {
    assertOneUnit(group, 'max');
    return group.max;
  }
}
