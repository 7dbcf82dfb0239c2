import { programs } from '../../db/tables/index.js';
import type { Domain } from '../../graphql/domain.js';
import { rowsByKeyEvenRetired } from '../nodes/tombstones.js';
import { programById, programTextColumns } from './queries.js';
import { ProgramResolver } from './resolver.js';
import { programsSeed } from './seed.js';
import { Program } from './types.js';

export const programsDomain: Domain = {
  name: 'programs',
  resolvers: [ProgramResolver],
  nodeTypes: [{ typename: 'Program', byKey: rowsByKeyEvenRetired(programs, programs.slug) }],
  searchable: [
    {
      name: 'program',
      description: 'Programs, by name and description.',
      plural: 'programs',
      typename: 'Program',
      objectType: () => Program,
      table: programs,
      textColumns: programTextColumns,
      nameColumns: ['name_zh', 'name_en'],
      keyColumn: 'slug',
      byId: programById,
    },
  ],
  seeds: [programsSeed],
};
