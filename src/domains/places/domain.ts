import { divisions, organizations } from '../../db/tables/index.js';
import type { Domain } from '../../graphql/domain.js';
import { rowsByKeyEvenRetired } from '../nodes/tombstones.js';
import { divisionById, nameColumns, organizationById } from './queries.js';
import { DivisionResolver, OrganizationResolver } from './resolver.js';
import { divisionsSeed, organizationsSeed } from './seed.js';
import { Division, Organization } from './types.js';

export const placesDomain: Domain = {
  name: 'places',
  resolvers: [DivisionResolver, OrganizationResolver],
  nodeTypes: [
    { typename: 'Division', byKey: rowsByKeyEvenRetired(divisions, divisions.code) },
    { typename: 'Organization', byKey: rowsByKeyEvenRetired(organizations, organizations.slug) },
  ],
  searchable: [
    {
      name: 'organization',
      description: 'Organizations, by name.',
      plural: 'organizations',
      typename: 'Organization',
      objectType: () => Organization,
      table: organizations,
      textColumns: nameColumns,
      nameColumns,
      keyColumn: 'slug',
      byId: organizationById,
    },
    {
      name: 'division',
      description: 'Divisions, by name.',
      plural: 'divisions',
      typename: 'Division',
      objectType: () => Division,
      table: divisions,
      textColumns: nameColumns,
      nameColumns,
      keyColumn: 'code',
      byId: divisionById,
    },
  ],
  seeds: [divisionsSeed, organizationsSeed],
};
