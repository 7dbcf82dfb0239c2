import type { Route, RouteParts } from '../route.js';

/** Charts of indicators as SVG and embeddable pages. */
export function chartRoutes(_parts: RouteParts): Route[] {
  return [];
}
