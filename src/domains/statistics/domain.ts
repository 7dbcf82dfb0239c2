import { sql } from 'drizzle-orm';
import { indicators, observations } from '../../db/tables/index.js';
import { col, idIn, tableAs } from '../../db/sqlParts.js';
import type { Domain } from '../../graphql/domain.js';
import { rowsByKeyEvenRetired } from '../nodes/tombstones.js';
import { matchesText } from '../search/match.js';
import { ObservationAggregateResolver } from './aggregateResolver.js';
import { IndicatorChartResolver } from './chartResolver.js';
import { ObservationCitationResolver } from './citationResolver.js';
import { indicatorById, indicatorTextColumns, observationById, observationTextColumns } from './queries.js';
import { IndicatorResolver, ObservationResolver, PeriodResolver } from './resolver.js';
import { indicatorsSeed, observationsSeed } from './seed.js';
import { Indicator, Observation } from './types.js';

export const statisticsDomain: Domain = {
  name: 'statistics',
  resolvers: [IndicatorResolver, ObservationResolver, PeriodResolver, ObservationAggregateResolver, ObservationCitationResolver, IndicatorChartResolver],
  nodeTypes: [
    { typename: 'Indicator', byKey: rowsByKeyEvenRetired(indicators, indicators.code) },
    { typename: 'Observation', byKey: rowsByKeyEvenRetired(observations, observations.key) },
  ],
  searchable: [
    {
      name: 'indicator',
      description: 'Indicators, by name and description.',
      plural: 'indicators',
      typename: 'Indicator',
      objectType: () => Indicator,
      table: indicators,
      textColumns: indicatorTextColumns,
      nameColumns: ['name_zh', 'name_en'],
      keyColumn: 'code',
      byId: indicatorById,
    },
    {
      name: 'observation',
      description: "Figures, by label and source quote, or by their indicator's names.",
      plural: 'figures',
      typename: 'Observation',
      objectType: () => Observation,
      table: observations,
      textColumns: observationTextColumns,
      nameColumns: ['label_zh', 'label_en'],
      keyColumn: 'key',
      alsoMatching: (alias, terms) => {
        const ind = 's_obs_i';
        return idIn(
          col(alias, 'indicator_id'),
          sql`select ${col(ind, 'id')} from ${tableAs(indicators, ind)} where ${matchesText(ind, terms, indicatorTextColumns)}`,
        );
      },
      byId: observationById,
      matchedThrough: {
        field: 'indicator',
        load: (context, r) => indicatorById(context).load(r.indicatorId as number) as Promise<Record<string, unknown> | null>,
        textColumns: indicatorTextColumns,
      },
    },
  ],
  seeds: [indicatorsSeed, observationsSeed],
};
