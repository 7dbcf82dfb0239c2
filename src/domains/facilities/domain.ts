import { facilities } from '../../db/tables/index.js';
import type { Domain } from '../../graphql/domain.js';
import { rowsByKeyEvenRetired } from '../nodes/tombstones.js';
import { facilityById, facilityTextColumns } from './queries.js';
import { FacilityResolver } from './resolver.js';
import { facilitiesSeed } from './seed.js';
import { Facility } from './types.js';

export const facilitiesDomain: Domain = {
  name: 'facilities',
  resolvers: [FacilityResolver],
  nodeTypes: [{ typename: 'Facility', byKey: rowsByKeyEvenRetired(facilities, facilities.slug) }],
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
