import { connectionTypes } from '../../graphql/relay/connection.js';
import { Indicator, Observation } from './types.js';

export const { Connection: ObservationConnection } = connectionTypes(Observation, 'Observation', 'figures');
export const { Connection: IndicatorConnection } = connectionTypes(Indicator, 'Indicator', 'indicators');
