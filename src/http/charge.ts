import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdentityProviderUnavailable, KeyRefused, type Identity } from '../access/identity.js';
import { RateLimitExceeded, rateLimitHeaders } from '../access/rateLimit.js';
import { sendJson } from './plainAnswers.js';
import type { RouteParts } from './route.js';

/**
 * The caller of a route beside /graphql, charged `cost` points of the same budget GraphQL spends (RateLimit
 * headers set); undefined when refused, the 401 or 429 already sent. Charts, the catalog and permalinks cost a
 * point each: each may read the database or draw, and an unpriced route is one a single client can flood.
 */
export async function chargedCaller(parts: RouteParts, request: IncomingMessage, response: ServerResponse, cost = 1): Promise<Identity | undefined> {
  try {
    const identity = await parts.identify(parts.db, request);
    for (const [name, value] of rateLimitHeaders(await parts.rateLimiter.charge(identity, cost))) response.setHeader(name, value);
    return identity;
  } catch (error) {
    if (sentRefusal(response, error)) return undefined;
    throw error;
  }
}

/** Answers a refused key (401), an identity provider out of reach (503) or an exhausted budget (429, with Retry-After); false for any other error. */
export function sentRefusal(response: ServerResponse, error: unknown, explanation = ''): boolean {
  if (error instanceof KeyRefused) {
    response.setHeader('www-authenticate', 'Bearer realm="minsheng"');
    sendJson(response, 401, { error: error.message });
    return true;
  }
  if (error instanceof IdentityProviderUnavailable) {
    response.setHeader('retry-after', '5');
    sendJson(response, 503, { error: error.message });
    return true;
  }
  if (error instanceof RateLimitExceeded) {
    for (const [name, value] of rateLimitHeaders(error.status)) response.setHeader(name, value);
    response.setHeader('retry-after', String(Math.max(1, Math.ceil((error.status.resetAt.getTime() - Date.now()) / 1000))));
    sendJson(response, 429, { error: `${explanation}${error.message}` });
    return true;
  }
  return false;
}
