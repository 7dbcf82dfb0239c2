import type { Cancellation } from './db/cancellation.js';
import type { Database } from './db/connection.js';

/**
 * What belongs to one HTTP request: its id (for logs and masked errors), how many SQL statements it sent,
 * and whether the database was found unreachable. It travels explicitly, in the GraphQL context: an
 * AsyncLocalStorage would follow it implicitly, but on Node 20 that hooks every promise, and a nested list
 * makes thousands (measured: a sixth of the CPU time, mostly garbage collection).
 */
export interface RequestScope {
  requestId: string;
  /** When the request came in (Date.now()). */
  startedAt: number;
  sqlStatements: number;
  /** Who ran the operation: Apollo, or the endpoint itself for a query Apollo ran before (provenAnswer.ts). */
  ranBy?: 'apollo' | 'proven';
  /** Set when the database could not be reached while serving the request: the endpoint answers 503. */
  databaseUnavailable?: boolean;
  /** Set when a read replica could not be reached while serving the request: the read runs again on the primary. */
  replicaFailed?: boolean;
  /** Cancelled when the request's time is up: its statements are cancelled and no new one is sent. */
  stop?: Cancellation;
}

/** A statement a request asked for after its time was up: it is not sent. */
export class RequestStopped extends Error {
  readonly code = 'REQUEST_STOPPED';
  constructor() {
    super('The request ran past its time limit; this statement was not sent.');
  }
}

/** The shared database as one request sees it: every statement it sends is counted in the request's scope. */
export function scopedDatabase(db: Database, scope: RequestScope): Database {
  return {
    kind: db.kind,
    // Read when used: a past read's connection builds its Drizzle only if something asks for it.
    get drizzle() {
      return db.drizzle;
    },
    rows(query) {
      if (scope.stop?.requested) return Promise.reject(new RequestStopped());
      scope.sqlStatements += 1;
      return db.rows(query, scope.stop);
    },
    ...(db.readTransaction && {
      readTransaction(opening, work) {
        if (scope.stop?.requested) return Promise.reject(new RequestStopped());
        scope.sqlStatements += 1;
        return db.readTransaction!(opening, work);
      },
    }),
    close: () => db.close(),
  };
}

// Apollo formats errors without the request they came from: each error is tagged with its scope first.
const scopeOfErrors = new WeakMap<object, RequestScope>();

export function tagErrors(errors: readonly object[], scope: RequestScope): void {
  for (const error of errors) scopeOfErrors.set(error, scope);
}

export function scopeOfError(error: unknown): RequestScope | undefined {
  return typeof error === 'object' && error !== null ? scopeOfErrors.get(error) : undefined;
}
