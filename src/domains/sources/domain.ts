import type { Domain } from '../../graphql/domain.js';
import { sourceBySlug } from './queries.js';
import { SourceCitationResolver, SourceResolver } from './resolver.js';
import { sourcesSeed } from './seed.js';

export const sourcesDomain: Domain = {
  name: 'sources',
  resolvers: [SourceResolver, SourceCitationResolver],
  nodeTypes: [{ typename: 'Source', byKey: sourceBySlug }],
  seeds: [sourcesSeed],
};
