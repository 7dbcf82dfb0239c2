import type { Route, RouteParts } from '../route.js';

/** Bulk downloads of each record type (CSV, JSON, NDJSON, GeoJSON). */
export function downloadRoutes(_parts: RouteParts): Route[] {
  return [];
}
