import { sql } from 'drizzle-orm';
import { indicators, observations } from '../../db/tables/index.js';
import { col, idIn, tableAs } from '../../db/sqlParts.js';
import type { Domain, SearchableType } from '../../graphql/domain.js';
import { matchesText } from '../search/match.js';
import { ObservationAggregateResolver } from './aggregateResolver.js';
import { IndicatorChartResolver } from './chartResolver.js';
import { ObservationCitationResolver } from './citationResolver.js';
import { indicatorByCode, indicatorById, indicatorTextColumns, observationById, observationByKey, observationTextColumns } from './queries.js';
import { IndicatorResolver, ObservationResolver, PeriodResolver } from './resolver.js';
import { Indicator, Observation } from './types.js';

const indicatorTexts: SearchableType['texts'] = (r) => [
  ['name_zh', r.nameZh as string],
  ['name_en', r.nameEn as string | null],
  ['description_zh', r.descriptionZh as string | null],
  ['description_en', r.descriptionEn as string | null],
];

export const statisticsDomain: Domain = {
  name: 'statistics',
  resolvers: [IndicatorResolver, ObservationResolver, PeriodResolver, ObservationAggregateResolver, ObservationCitationResolver, IndicatorChartResolver],
  nodeTypes: [
    { typename: 'Indicator', byKey: indicatorByCode },
    { typename: 'Observation', byKey: observationByKey },
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
      texts: indicatorTexts,
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
      texts: (r) => [
        ['label_zh', r.labelZh as string],
        ['label_en', r.labelEn as string | null],
        ['quote', r.quote as string | null],
      ],
      matchedThrough: {
        field: 'indicator',
        load: (context, r) => indicatorById(context).load(r.indicatorId as number) as Promise<Record<string, unknown> | null>,
        texts: indicatorTexts,
      },
    },
  ],
};
