import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Database } from '../db/connection.js';
import { createContext, type Context } from '../graphql/context.js';
import { languageFromHeader } from '../graphql/language.js';
import { graphqlSchema } from '../graphql/schema.js';
import type { Logger } from '../logger.js';
import { currentRequestScope, runInRequestScope } from '../requestScope.js';
import { explorerAsset, explorerContentSecurityPolicy } from './explorer.js';
import { formatGraphQLError } from './graphqlErrors.js';
import { readinessOf } from './health.js';

export interface HttpServerOptions {
  db: Database;
  logger: Logger;
  /** Answer with an `x-sql-statements` header (tests and benchmarks). */
  sqlCountHeader?: boolean;
}

export interface MinshengServer {
  server: Server;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Stops taking requests, lets those in flight finish, then stops GraphQL. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Plain node:http in front of Apollo's executeHTTPGraphQLRequest: four routes need no framework, and no
 * framework is the lightest HTTP layer there is (the performance issue measures it).
 */
export async function createHttpServer({ db, logger, sqlCountHeader = false }: HttpServerOptions): Promise<MinshengServer> {
  const apollo = new ApolloServer<Context>({
    schema: graphqlSchema(),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphQLError(logger, () => currentRequestScope()?.requestId ?? 'unknown'),
    plugins: [ApolloServerPluginLandingPageDisabled()],
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  await apollo.start();

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string) {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (request.method === 'POST') {
      const raw = await readBody(request);
      if (raw === undefined) return sendJson(response, 413, { errors: [{ message: `Request body is over ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'BAD_REQUEST' } }] });
      if ((headers.get('content-type') ?? '').includes('json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return sendJson(response, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
        }
      } else body = raw.toString('utf8');
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: request.method ?? 'GET', headers, search: url.search, body };
    const scope = { requestId, sqlStatements: 0 };
    const result = await runInRequestScope(scope, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () => createContext(db, languageFromHeader(request.headers['accept-language']), requestId),
      }),
    );
    for (const [name, value] of result.headers) response.setHeader(name, value);
    if (sqlCountHeader) response.setHeader('x-sql-statements', String(scope.sqlStatements));
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') return response.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const requestId = validRequestId(request.headers['x-request-id']) ?? randomUUID();
    response.setHeader('x-request-id', requestId);
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/graphql') return await handleGraphQL(request, response, url, requestId);
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'Only GET here; the API is at /graphql.' });
      if (url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        const readiness = await readinessOf(db);
        return sendJson(response, readiness.ready ? 200 : 503, readiness);
      }
      const asset = explorerAsset(url.pathname);
      if (asset) {
        response.setHeader('content-type', asset.contentType);
        response.setHeader('content-security-policy', explorerContentSecurityPolicy);
        response.setHeader('cache-control', url.pathname === '/' ? 'no-cache' : 'public, max-age=3600');
        return response.end(request.method === 'HEAD' ? undefined : asset.body);
      }
      return sendJson(response, 404, { error: `Nothing at ${url.pathname}. The API is at /graphql, its explorer at /.` });
    } catch (error) {
      logger.error('request failed', { requestId, error: error instanceof Error ? error.stack : String(error) });
      if (!response.headersSent) sendJson(response, 500, { error: `Internal server error. Quote request id ${requestId} when reporting it.` });
      else response.end();
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          const boundPort = typeof address === 'object' && address ? address.port : port;
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`, port: boundPort });
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

function validRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : undefined;
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown) {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(payload));
}
