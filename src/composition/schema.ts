// type-graphql reads decorator metadata through Reflect even with emitDecoratorMetadata off.
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type BuildSchemaOptions } from 'type-graphql';
import { RateLimitResolver } from '../access/rateLimitResolver.js';
import { ViewerResolver } from '../access/viewerResolver.js';
import { callResolversDirectly } from '../execution/directResolvers.js';
import { asOfDirective } from '../graphql/asOf.js';
import { includeDraftsDirective } from '../graphql/includeDrafts.js';
import { checkDeclaredReads } from '../graphql/projection.js';
import { writeResolvers } from '../writes/resolvers.js';
import { ImportJobResolver } from '../imports/jobResolver.js';
import { allDomains } from './domains.js';
import { seedKindsByName } from './seeds.js';
import { FacilityLinksResolver } from './facilityLinks.js';
import { historyResolvers } from './history.js';
import { ViewerOrganizationsResolver } from './viewerOrganizations.js';

let schema: GraphQLSchema | undefined;

/** The GraphQL schema, built once from the domains' registrations. */
export function graphqlSchema(): GraphQLSchema {
  if (schema) return schema;
  const options: BuildSchemaOptions = {
    resolvers: [
      RateLimitResolver,
      ViewerResolver,
      ViewerOrganizationsResolver,
      ...allDomains.flatMap((domain) => domain.resolvers),
      ...writeResolvers(seedKindsByName),
      ImportJobResolver,
      FacilityLinksResolver,
      ...historyResolvers(),
    ] as BuildSchemaOptions['resolvers'],
    // Given directives replace graphql-js's own (@include, @skip, …) unless they are listed too.
    directives: [...specifiedDirectives, includeDraftsDirective, asOfDirective],
    validate: false, // arguments are checked where they are used, with messages that say what to change
    // type-graphql asks for a pub/sub whenever there are subscriptions; ours each bring their own source
    // (`subscribe`, reading the change feed as PostgreSQL notifies new versions), so topics never exist.
    pubSub: {
      publish: () => {
        throw new Error('subscriptions here have no topics to publish to');
      },
      subscribe: () => {
        throw new Error('subscriptions here have no topics to subscribe to');
      },
    },
    emitSchemaFile: false,
  };
  const built = buildSchemaSync(options);
  // type-graphql has no option for the root type's description; graphql-js types keep it as a property.
  built.getMutationType()!.description =
    'Changes to the records, by the keys and tokens of the organizations they belong to: each change is a draft until a publisher publishes it.';
  built.getSubscriptionType()!.description =
    'Live changes, over Server-Sent Events at /graphql/stream (the graphql-sse protocol); /graphql answers queries and mutations only.';
  built.getQueryType()!.description = 'Minsheng: open data on the public services of Dadukou District, Chongqing (2023). Every figure carries its source.';
  callResolversDirectly(built, options);
  checkDeclaredReads(); // every field resolver of a listed type says what it reads of the row
  return (schema = built);
}

/** The SDL that schema/schema.graphql must equal: sorted by name, so that moving code between modules never reorders it. */
export function schemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(graphqlSchema()))}\n`;
}
