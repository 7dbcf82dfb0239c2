import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { printSchema } from 'graphql';
import { explorerContentSecurityPolicy, explorerPageWith, explorerAsset } from '../explorer.js';
import { applyCompression } from '../compression.js';
import type { Route, RouteParts } from '../route.js';
import { NO_BASE_URL_MESSAGE, publicBaseUrl } from './baseUrl.js';
import { dcatRecord } from './dcatRecord.js';
import { figureAnswer } from './figureAnswer.js';
import { preferredCatalogType, CATALOG_TYPES } from './negotiation.js';
import { schemaOrgDataset } from './schemaOrgDataset.js';
import { jsonLdToTurtle } from './turtle.js';
import { SCHEMA_SDL_PATH } from './distributions.js';
import { chargedCaller } from '../charge.js';
import { answeredNotModified, sendJson } from '../plainAnswers.js';

/** Observation keys are lowercase words joined by hyphens (seeds); anything longer or odder is refused before any work. */
const OBSERVATION_KEY = /^[a-z0-9][a-z0-9-]{0,199}$/;

/** The catalog record, the dataset block of the explorer page, the schema as SDL, and each figure's permalink. */
export function catalogRoutes(parts: RouteParts): Route[] {
  const facts = parts.catalogFacts;
  const baseUrlOf = (request: IncomingMessage) => publicBaseUrl(parts.publication, request.headers, parts.settings.trustProxy);
  const maxAge = `public, max-age=${parts.settings.httpCacheMaxAge}`;
  let sdl: Buffer | undefined;

  return [
    {
      name: 'catalog',
      path: /^\/v1\/catalog$/,
      async handle(request, response) {
        const type = preferredCatalogType(request.headers.accept);
        response.appendHeader('vary', 'accept'); // links follow the Host too, which caches key on anyway (it is in the URL)
        if (!type) {
          return sendJson(response, 406, {
            error: `The catalog record is available as ${CATALOG_TYPES.join(' or ')}: send an Accept header naming one of them (or none).`,
          });
        }
        const base = baseUrlOf(request);
        if (!base) return sendJson(response, 400, { error: NO_BASE_URL_MESSAGE });
        if (!(await chargedCaller(parts, request, response))) return;
        const current = await facts.get();
        const etag = `"catalog-v${current.dataVersion}-${type === 'text/turtle' ? 'ttl' : 'jsonld'}-${shortHash(base)}"`;
        response.setHeader('cache-control', maxAge);
        if (answeredNotModified(request, response, etag)) return;
        const record = dcatRecord(current, parts.publication, base);
        const body = type === 'text/turtle' ? await jsonLdToTurtle(record) : JSON.stringify(record, null, 2);
        response.statusCode = 200;
        response.setHeader('content-type', `${type}; charset=utf-8`);
        return applyCompression(request, response, body);
      },
    },
    {
      name: 'permalink',
      path: /^\/v1\/observations\/([^/]+)$/,
      async handle(request, response, _url, match) {
        let key: string;
        try {
          key = decodeURIComponent(match[1]!);
        } catch {
          key = '';
        }
        if (!OBSERVATION_KEY.test(key))
          return sendJson(response, 400, { error: 'An observation key is lowercase letters, digits and hyphens (at most 200), e.g. new-school-places.' });
        const base = baseUrlOf(request);
        if (!base) return sendJson(response, 400, { error: NO_BASE_URL_MESSAGE });
        if (!(await chargedCaller(parts, request, response))) return;
        const answer = await figureAnswer(parts.db, key, base, request.headers['accept-language']);
        if (!answer) return sendJson(response, 404, { error: `No figure has the key ${key}. Find keys with the GraphQL query observations at /graphql.` });
        response.appendHeader('vary', 'accept-language');
        // Not kept by caches: a citation names the day it is cited.
        response.setHeader('cache-control', 'no-cache');
        sendJson(response, 200, answer, request.method === 'HEAD');
      },
    },
    {
      name: 'schema',
      path: new RegExp(`^${SCHEMA_SDL_PATH.replace(/\./g, '\\.')}$`),
      async handle(request, response) {
        sdl ??= Buffer.from(printSchema(parts.schema), 'utf8');
        response.statusCode = 200;
        response.setHeader('content-type', 'text/plain; charset=utf-8');
        response.setHeader('cache-control', maxAge);
        return applyCompression(request, response, sdl);
      },
    },
    {
      // The explorer page, with the dataset described for dataset search engines (schema.org JSON-LD).
      name: 'home',
      path: /^\/$/,
      async handle(request, response) {
        const base = baseUrlOf(request);
        // Without a public URL there is nothing absolute to point at: the explorer is served as it is.
        const body = base ? explorerPageWith(schemaOrgDataset(await facts.get(), parts.publication, base)) : explorerAsset('/')!.body;
        response.statusCode = 200;
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.setHeader('content-security-policy', explorerContentSecurityPolicy);
        response.setHeader('cache-control', 'no-cache');
        return applyCompression(request, response, body);
      },
    },
  ];
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}
