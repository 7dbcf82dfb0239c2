// type-graphql reads decorator metadata through Reflect even with emitDecoratorMetadata off.
import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { RateLimitResolver } from '../access/rateLimitResolver.js';
import { FacilityResolver } from '../domains/facilities/resolver.js';
import { NodeResolver } from '../domains/nodes/resolver.js';
import { FacilityProgramsResolver, ProgramFacilitiesResolver } from '../domains/participation/resolver.js';
import { DivisionResolver, OrganizationResolver } from '../domains/places/resolver.js';
import { ProgramResolver } from '../domains/programs/resolver.js';
import { SearchResolver } from '../domains/search/resolver.js';
import { SourceCitationResolver, SourceResolver } from '../domains/sources/resolver.js';
import { ObservationAggregateResolver } from '../domains/statistics/aggregateResolver.js';
import { IndicatorChartResolver } from '../domains/statistics/chartResolver.js';
import { ObservationCitationResolver } from '../domains/statistics/citationResolver.js';
import { IndicatorResolver, ObservationResolver, PeriodResolver } from '../domains/statistics/resolver.js';
import { callResolversDirectly } from './directResolvers.js';

let schema: GraphQLSchema | undefined;

/** The GraphQL schema, built once from the domains' resolvers. */
export function graphqlSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [
      RateLimitResolver,
      NodeResolver,
      DivisionResolver,
      OrganizationResolver,
      FacilityResolver,
      ProgramResolver,
      FacilityProgramsResolver,
      ProgramFacilitiesResolver,
      IndicatorResolver,
      ObservationResolver,
      PeriodResolver,
      SourceResolver,
      SourceCitationResolver,
      SearchResolver,
      ObservationAggregateResolver,
      ObservationCitationResolver,
      IndicatorChartResolver,
    ],
    validate: false, // arguments are checked where they are used, with messages that say what to change
    emitSchemaFile: false,
  });
  // type-graphql has no option for the root type's description; graphql-js types keep it as a property.
  schema.getQueryType()!.description = 'Minsheng: open data on the public services of Dadukou District, Chongqing (2023). Every figure carries its source.';
  callResolversDirectly(schema);
  return schema;
}

/** The SDL that schema/schema.graphql must equal. */
export function schemaSdl(): string {
  return `${printSchema(graphqlSchema())}\n`;
}
