import postgres from 'postgres';
import type { Logger } from '../logger.js';

/**
 * postgres.js 3.4.9 reads the array types as the first statement of every new connection and drops that
 * statement's promise (porsager/postgres#1192, open): when the statement fails (cancelled by the statement
 * timeout, refused by a pooler whose server is away, or its connection reset by a server that stops) the
 * rejection is unhandled, and Node ends the
 * process with every request in flight. The request's own statement fails on its own and is answered;
 * this one is only logged. Any other unhandled rejection still ends the process, as Node's default does.
 */
export function surviveDroppedTypeQueries(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (!isDroppedTypeQuery(reason)) throw reason;
    logger.warn('a new database connection could not read the array types (postgres.js drops that failure): the connection is dropped', {
      code: (reason as { code?: unknown }).code,
      error: (reason as Error).message,
    });
  });
}

export function isDroppedTypeQuery(reason: unknown): boolean {
  return (reason instanceof postgres.PostgresError || reason instanceof Error) && carriesTypeQuery(reason);
}

/** Whether an error (or its serialized copy, as a test runner passes it on) is the array-types statement's. */
export function carriesTypeQuery(reason: unknown): boolean {
  const query = (reason as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' && query.includes('from pg_catalog.pg_type a');
}
