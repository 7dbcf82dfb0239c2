import { sources } from '../../db/tables/index.js';
import type { Domain } from '../../graphql/domain.js';
import { rowsByKeyEvenRetired } from '../nodes/tombstones.js';
import { SourceCitationResolver, SourceResolver } from './resolver.js';
import { sourcesSeed } from './seed.js';

export const sourcesDomain: Domain = {
  name: 'sources',
  resolvers: [SourceResolver, SourceCitationResolver],
  nodeTypes: [{ typename: 'Source', byKey: rowsByKeyEvenRetired(sources, sources.slug) }],
  seeds: [sourcesSeed],
};
