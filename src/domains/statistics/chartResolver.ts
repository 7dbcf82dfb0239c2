import { Resolver } from 'type-graphql';
import { Indicator } from './types.js';

/** An indicator's figures as a chart: Indicator.chart. */
@Resolver(() => Indicator)
export class IndicatorChartResolver {}
