import { catalogRoutes } from './catalog/routes.js';
import { chartRoutes } from './charts/routes.js';
import { downloadRoutes } from './downloads/routes.js';
import type { Route, RouteParts } from './route.js';

/** The routes beside /graphql for people who want files, not queries: downloads, catalog, charts. */
export function publicDataRoutes(parts: RouteParts): Route[] {
  return [...downloadRoutes(parts), ...catalogRoutes(parts), ...chartRoutes(parts)];
}
