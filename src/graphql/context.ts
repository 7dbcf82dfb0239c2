import type DataLoader from 'dataloader';
import type { FieldNode } from 'graphql';
import type { Identity } from '../access/identity.js';
import type { RateLimitStatus } from '../access/rateLimit.js';
import type { Database } from '../db/connection.js';
import type { RequestScope } from '../requestScope.js';
import { Language } from './language.js';

/** The request's DataLoaders, made on first use: a request pays only for the loaders it needs. */
export class LoaderCache {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  // A Map, not a WeakMap: it lives as long as the request, and WeakMaps cost the garbage collector more.
  private ofField: Map<readonly FieldNode[], unknown> | undefined;

  get<K, V>(shape: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(shape);
    if (!loader) this.loaders.set(shape, (loader = make() as DataLoader<unknown, unknown>));
    return loader as DataLoader<K, V>;
  }

  /**
   * What one field of the document needs for this request, made for its first parent and kept for the
   * others (`info.fieldNodes` is the same array for every parent of a list). Only for what depends on the
   * field's arguments and selection alone, never on the parent.
   */
  perField<T>(fieldNodes: readonly FieldNode[], make: () => T): T {
    this.ofField ??= new Map();
    let made = this.ofField.get(fieldNodes) as T | undefined;
    if (made === undefined) this.ofField.set(fieldNodes, (made = make()));
    return made;
  }
}

/** Who is asking and what the request was charged, as resolved by the HTTP endpoint before execution. */
export interface RequestAccess {
  identity: Identity;
  rateLimit: RateLimitStatus;
}

/**
 * Everything a resolver may use for one request, identity included, so no resolver reaches for
 * process-wide state.
 */
export interface Context extends RequestAccess {
  db: Database;
  /** The language text fields use when a field has no `lang` argument. */
  language: Language;
  loaders: LoaderCache;
  requestId: string;
  /** The request's id and counters (requestScope.ts). */
  scope: RequestScope;
  /** The absolute URL this server is reached at (permalinks), where it can tell. */
  publicBaseUrl?: string;
  /** What every answer's `extensions` carry: the data version, the licence and an attribution line. */
  answerExtensions?: object;
  /** A live stream's (subscriptions over Server-Sent Events): when the data next changes, and when the stream ends. */
  live?: LiveStream;
}

export interface LiveStream {
  /** Resolves when a new data version commits (on any instance), or when `signal` aborts. */
  nextChange(signal: AbortSignal): Promise<void>;
  /** Aborted when the client goes away or the server stops. */
  signal: AbortSignal;
  /**
   * The ids of drafts proposed or decided from now on (on any instance), until `signal` aborts; undefined where
   * drafts are not announced (behind a pooler in transaction mode).
   */
  drafts?(signal: AbortSignal): AsyncIterable<number[]>;
}

/** Access of a request that did not come through the HTTP endpoint (scripts, tests): anonymous, unmetered. */
const unmetered = (): RequestAccess => ({
  identity: { kind: 'anonymous', address: 'local' },
  rateLimit: { limit: 0, cost: 0, remaining: 0, resetAt: new Date(), windowSeconds: 0 },
});

export function createContext(
  db: Database,
  language: Language = Language.ZH,
  scope: RequestScope = { requestId: '', startedAt: Date.now(), sqlStatements: 0 },
  access: RequestAccess = unmetered(),
): Context {
  return { db, language, loaders: new LoaderCache(), requestId: scope.requestId, scope, ...access };
}
