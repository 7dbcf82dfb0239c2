import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { sendJson } from './plainAnswers.js';

/**
 * GET /metrics: the metrics in Prometheus' text format, for a scraper that sends the configured token
 * (METRICS_TOKEN) as `Authorization: Bearer <token>`. Without a token configured there is no such page.
 */
export async function serveMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  token: string | undefined,
  registry: Registry | undefined,
): Promise<void> {
  if (!token || !registry) return sendJson(response, 404, { error: 'Nothing at /metrics: set METRICS_TOKEN to turn the Prometheus metrics on.' });
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'Only GET here.' });
  if (!sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
    response.setHeader('www-authenticate', 'Bearer realm="minsheng-metrics"');
    return sendJson(response, 401, { error: 'Send the metrics token (METRICS_TOKEN) as `Authorization: Bearer <token>`.' });
  }
  const body = await registry.metrics();
  response.statusCode = 200;
  response.setHeader('content-type', registry.contentType);
  response.setHeader('cache-control', 'no-store');
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** Compares in constant time, so that the answer's timing does not tell how much of the token was right. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
