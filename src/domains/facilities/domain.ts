import { facilities } from '../../db/tables/index.js';
import type { Domain } from '../../graphql/domain.js';
import { facilityById, facilityBySlug, facilityTextColumns } from './queries.js';
import { FacilityResolver } from './resolver.js';
import { facilitiesSeed } from './seed.js';
import { Facility } from './types.js';

export const facilitiesDomain: Domain = {
  name: 'facilities',
  resolvers: [FacilityResolver],
  nodeTypes: [{ typename: 'Facility', byKey: facilityBySlug }],
  searchable: [
    {
      name: 'facility',
      description: 'Facilities, by name and description.',
      plural: 'facilities',
      typename: 'Facility',
      objectType: () => Facility,
      table: facilities,
      textColumns: facilityTextColumns,
      nameColumns: ['name_zh', 'name_en'],
      keyColumn: 'slug',
      byId: facilityById,
    },
  ],
  seeds: [facilitiesSeed],
};
