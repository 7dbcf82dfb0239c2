import { Arg, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { badUserInput } from '../../graphql/errors.js';
import { MaxItems } from '../../graphql/listBound.js';
import { divisionById } from '../places/queries.js';
import { Division } from '../places/types.js';
import { aggregateObservations, MAX_GROUPS, ObservationGroup, ObservationGroupBy, singleUnitValue, type ObservationGroupRow } from './aggregate.js';
import { indicatorById } from './queries.js';
import { Indicator, ObservationFilter } from './types.js';

@Resolver(() => ObservationGroup)
export class ObservationAggregateResolver {
  @Query(() => [ObservationGroup], { description: `Figures grouped and aggregated (count, sum, avg, min, max); at most ${MAX_GROUPS} groups. Sums across different units are refused.` })
  @MaxItems(MAX_GROUPS)
  observationAggregate(
    @Arg('filter', () => ObservationFilter, { nullable: true, description: 'Which figures.' }) filter: ObservationFilter | null,
    @Arg('groupBy', () => [ObservationGroupBy], { description: 'What to group by; an empty list gives one group of everything.' }) groupBy: ObservationGroupBy[],
    @Ctx() context: Context,
  ) {
    if (groupBy.length > 6) throw badUserInput('groupBy takes each key at most once.', { argument: 'groupBy' });
    return aggregateObservations(context, filter, groupBy);
  }

  @FieldResolver(() => Indicator, { nullable: true, description: 'The indicator, when grouped by INDICATOR.' })
  indicator(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    return group.indicatorId == null ? null : indicatorById(context).load(group.indicatorId);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The division, when grouped by DIVISION.' })
  division(@Root() group: ObservationGroupRow, @Ctx() context: Context) {
    return group.divisionId == null ? null : divisionById(context).load(group.divisionId);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The sum of the values; refused when the group mixes units.' })
  sum(@Root() group: ObservationGroupRow) {
    return singleUnitValue(group, 'sum');
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The mean of the values; refused when the group mixes units.' })
  avg(@Root() group: ObservationGroupRow) {
    return singleUnitValue(group, 'avg');
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The smallest value; refused when the group mixes units.' })
  min(@Root() group: ObservationGroupRow) {
    return singleUnitValue(group, 'min');
  }

  @FieldResolver(() => Float, { nullable: true, description: 'The largest value; refused when the group mixes units.' })
  max(@Root() group: ObservationGroupRow) {
    return singleUnitValue(group, 'max');
  }
}
