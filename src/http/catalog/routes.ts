import type { Route, RouteParts } from '../route.js';

/** The data package and the catalog record. */
export function catalogRoutes(_parts: RouteParts): Route[] {
  return [];
}
