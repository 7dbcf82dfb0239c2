// The domains' types and resolvers are decorated: type-graphql reads decorator metadata through Reflect even with
// emitDecoratorMetadata off, so whoever loads them (the schema, the seed command) loads the polyfill first.
import 'reflect-metadata';
import { facilitiesDomain } from '../domains/facilities/domain.js';
import { nodesDomain } from '../domains/nodes/resolver.js';
import { participationDomain } from '../domains/participation/domain.js';
import { placesDomain } from '../domains/places/domain.js';
import { programsDomain } from '../domains/programs/domain.js';
import { searchDomain } from '../domains/search/resolver.js';
import { sourcesDomain } from '../domains/sources/domain.js';
import { statisticsDomain } from '../domains/statistics/domain.js';
import type { Domain } from '../graphql/domain.js';

/** Every domain of the API, one line each; the search finds their searchable types in this order. */
export const domains: readonly Domain[] = [facilitiesDomain, programsDomain, participationDomain, statisticsDomain, placesDomain, sourcesDomain];

/** The domains and the shared parts built over them: node(id:) over their node types, search over their searchable types. */
export const allDomains: readonly Domain[] = [...domains, nodesDomain(domains), searchDomain(domains)];
