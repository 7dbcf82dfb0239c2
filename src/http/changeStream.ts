import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { createHandler, type Handler, type RequestParams, type Response } from 'graphql-sse';
import { callerKeyOf, KeyRefused, type Identity, type RequestIdentifier } from '../access/identity.js';
import { RateLimitExceeded, type RateLimiter, type RateLimitStatus } from '../access/rateLimit.js';
import type { DataVersionWatcher } from '../cache/dataVersion.js';
import type { DraftNotices } from '../writes/draftNotices.js';
import type { Database } from '../db/connection.js';
import { createContext, type Context } from '../graphql/context.js';
import { languageFromHeader } from '../graphql/language.js';
import { readBody } from './graphqlParams.js';
import { HttpError, sendHttpError } from './httpErrors.js';

/** A subscription document is one small operation: anything longer is refused before it is parsed. */
const MAX_STREAM_BODY_BYTES = 16 * 1024;
/** Open streams per instance, and per caller (a key, a token, or an address): each holds a connection open. */
const MAX_STREAMS = 1000;
const MAX_STREAMS_PER_CALLER = 5;
/** What opening a stream is charged: a page of the feed, which it reads first. */
export const STREAM_COST = 100;

export interface ChangeStreamParts {
  schema: GraphQLSchema;
  db: Database;
  identify: RequestIdentifier;
  rateLimiter: RateLimiter;
  dataVersion: DataVersionWatcher;
  draftNotices: DraftNotices;
}

/** graphql-sse types its context as a record. */
type StreamContext = Context & Record<PropertyKey, unknown>;

/** What a stream's request carries from the checks to its GraphQL context. */
interface Admitted {
  identity: Identity;
  rateLimit: RateLimitStatus;
  ended: AbortController;
  requestId: string;
}

/**
 * POST/GET /graphql/stream: subscriptions over Server-Sent Events, in The Guild's graphql-sse protocol
 * (distinct connections mode; its clients, `graphql-sse`'s createClient among them, speak it). Who may
 * open one is decided as for a query, before the body is parsed: the caller's key or token (401), the
 * number of streams open (429), the rate limit (429). Only subscriptions are served here: queries and
 * mutations go to /graphql, where they are priced by what they ask.
 */
export class ChangeStreams {
  private readonly open = new Set<AbortController>();
  private readonly perCaller = new Map<string, number>();
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();
  private readonly handle: Handler<IncomingMessage, { res: ServerResponse }>;

  constructor(private readonly parts: ChangeStreamParts) {
    this.handle = createHandler<IncomingMessage, { res: ServerResponse }, StreamContext>({
      schema: parts.schema,
      // Distinct connections only: a stream is one request, authenticated like any other.
      authenticate: () => null,
      onSubscribe: (_request, params) => onlySubscriptions(params),
      context: (request) => {
        const admitted = this.admitted.get(request.raw)!;
        const scope = { requestId: admitted.requestId, startedAt: Date.now(), sqlStatements: 0 };
        const context: Context = {
          ...createContext(parts.db, languageFromHeader(request.raw.headers['accept-language']), scope, admitted),
          live: {
            nextChange: (signal) => parts.dataVersion.nextChange(signal),
            signal: admitted.ended.signal,
            ...(parts.draftNotices.listening ? { drafts: (signal: AbortSignal) => parts.draftNotices.follow(signal) } : {}),
          },
        };
        return context as StreamContext;
      },
    });
  }

  async serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const accept = request.headers.accept;
    let caller: string | undefined;
    const ended = new AbortController();
    try {
      const identity = await this.parts.identify(this.parts.db, request);
      caller = callerKeyOf(identity);
      if (this.open.size >= MAX_STREAMS || (this.perCaller.get(caller) ?? 0) >= MAX_STREAMS_PER_CALLER) {
        throw new HttpError(
          429,
          `At most ${MAX_STREAMS_PER_CALLER} change streams per caller (and ${MAX_STREAMS} per server) are open at once; close one first.`,
          {
            code: 'TOO_MANY_STREAMS',
          },
        );
      }
      // The slot is taken before anything else is awaited, so that requests arriving together cannot all pass the count.
      this.open.add(ended);
      this.perCaller.set(caller, (this.perCaller.get(caller) ?? 0) + 1);
      const rateLimit = await this.parts.rateLimiter.charge(identity, STREAM_COST);
      const body = request.method === 'POST' ? (await readBody(request, MAX_STREAM_BODY_BYTES)).toString('utf8') : null;
      this.admitted.set(request, { identity, rateLimit, ended, requestId });
      response.once('close', () => ended.abort());
      const [answer, init] = await this.handle({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: { get: (name) => headerOf(request, name) },
        body,
        raw: request,
        context: { res: response },
      });
      await send(response, answer, init, ended.signal);
    } catch (error) {
      if (error instanceof KeyRefused) {
        return sendHttpError(response, accept, new HttpError(401, error.message, { code: 'UNAUTHENTICATED', reason: error.reason }));
      }
      if (error instanceof RateLimitExceeded) {
        return sendHttpError(response, accept, new HttpError(429, error.message, { code: 'RATE_LIMITED', cost: error.wanted }));
      }
      if (error instanceof HttpError) return sendHttpError(response, accept, error);
      throw error;
    } finally {
      ended.abort();
      if (this.open.delete(ended) && caller !== undefined) {
        const left = (this.perCaller.get(caller) ?? 1) - 1;
        if (left > 0) this.perCaller.set(caller, left);
        else this.perCaller.delete(caller);
      }
    }
  }

  /** Ends every open stream (the server is stopping): each client sees its stream complete. */
  close(): void {
    for (const ended of this.open) ended.abort();
  }
}

function headerOf(request: IncomingMessage, name: string): string | null | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join('\n') : value;
}

/** A query or mutation sent here is refused with where to send it; a document that does not parse is left to graphql-sse's answer. */
function onlySubscriptions(params: RequestParams): Response | void {
  let type: string | undefined;
  try {
    type = getOperationAST(parse(params.query), params.operationName)?.operation;
  } catch {
    return;
  }
  if (type && type !== 'subscription') {
    const error = { message: `Only subscriptions are served at /graphql/stream; send this ${type} to /graphql.`, extensions: { code: 'BAD_REQUEST' } };
    return [JSON.stringify({ errors: [error] }), { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } }];
  }
}

/** The answer graphql-sse made: a whole body, or events written as they come until the stream or client ends. */
async function send(response: ServerResponse, body: Response[0], init: Response[1], ended: AbortSignal): Promise<void> {
  response.writeHead(init.status, init.statusText, init.headers as Record<string, string>);
  if (!body || typeof body === 'string') return void (await new Promise<void>((resolve) => response.end(body ?? undefined, () => resolve())));
  const stop = () => void body.return(undefined);
  ended.addEventListener('abort', stop, { once: true });
  try {
    for await (const event of body) {
      if (!response.writable) break;
      await new Promise<void>((resolve, reject) => response.write(event, (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    ended.removeEventListener('abort', stop);
    response.end();
  }
}
