import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { RequestIdentifier } from '../access/identity.js';
import type { RateLimiter } from '../access/rateLimit.js';
import type { DataVersionWatcher } from '../cache/dataVersion.js';
import type { EndpointSettings, PublicationSettings } from '../config.js';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { CatalogFactsCache } from './catalog/factsCache.js';

/** What a route beside /graphql may use: the server's shared parts. */
export interface RouteParts {
  db: Database;
  logger: Logger;
  schema: GraphQLSchema;
  settings: EndpointSettings;
  publication: PublicationSettings;
  dataVersion: DataVersionWatcher;
  rateLimiter: RateLimiter;
  /** Who is asking: anonymous, an API key or a token (the same for every route). */
  identify: RequestIdentifier;
  /** What the catalog says of the data (reports, coverage), read once per data version. */
  catalogFacts: CatalogFactsCache;
}

/** A GET (and HEAD) route beside /graphql: the server tries each route's path in turn. */
export interface Route {
  /** A short name, the `route` label of its requests' metrics. */
  name: string;
  /** Anchored pattern of the path; its groups are handed to `handle`. */
  path: RegExp;
  handle(request: IncomingMessage, response: ServerResponse, url: URL, match: RegExpExecArray, requestId: string): Promise<void>;
}
