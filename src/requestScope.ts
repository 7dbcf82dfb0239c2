import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What belongs to one HTTP request wherever its work runs: its id (for logs and masked errors) and how
 * many SQL statements it issued. AsyncLocalStorage follows the request through DataLoader batches and
 * promises, so neither the database module nor the error formatter needs the request passed in.
 */
export interface RequestScope {
  requestId: string;
  sqlStatements: number;
  /** Set when the database could not be reached while serving the request: the endpoint answers 503. */
  databaseUnavailable?: boolean;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return scopes.run(scope, work);
}

export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** Called by the database module for every statement it sends. */
export function recordSqlStatement(): void {
  const scope = scopes.getStore();
  if (scope) scope.sqlStatements += 1;
}
