import { connectionTypes } from '../../graphql/relay/connection.js';
import { Facility } from './types.js';

export const { Connection: FacilityConnection } = connectionTypes(Facility, 'Facility', 'facilities');
