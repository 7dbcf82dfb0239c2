import type postgres from 'postgres';

/** How a streamed statement is bounded: each batch, not the whole stream, gets the usual statement time limit. */
export interface StreamOptions {
  /** Rows per batch fetched from the cursor. */
  batchSize: number;
  /** The longest one batch may take to arrive (0: no limit); past it the statement is cancelled. */
  batchTimeoutMs: number;
  /** The same for the first batch, which may wait for the statement's whole work (a sort of every row). */
  firstBatchTimeoutMs: number;
}

export class BatchTimedOut extends Error {
  constructor(ms: number) {
    super(`A batch of a streamed statement took longer than ${ms} ms; the statement was cancelled.`);
  }
}

/**
 * A statement's rows in batches through a server-side cursor, on a connection of its own. A download may
 * take minutes while the client reads, so the session's statement_timeout (which, without a Sync between
 * fetches, would count the whole portal's life) is lifted inside a read-only transaction, and the same
 * limit is applied per batch here instead (the first, which may wait for a sort of every row, gets a longer
 * one): a stream that keeps moving is never cut off, one that hangs in the database is. Stopping the iteration (a client gone) closes the cursor and frees the connection.
 */
export async function* cursorBatches<Row>(
  client: postgres.Sql,
  text: string,
  params: unknown[],
  { batchSize, batchTimeoutMs, firstBatchTimeoutMs }: StreamOptions,
): AsyncGenerator<Row[]> {
  const connection = await client.reserve();
  let began = false;
  try {
    await connection.unsafe('begin transaction read only');
    began = true;
    await connection.unsafe('set local statement_timeout = 0');
    const pending = connection.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false });
    const batches = pending.cursor(batchSize)[Symbol.asyncIterator]();
    try {
      for (let first = true; ; first = false) {
        const limit = first ? firstBatchTimeoutMs : batchTimeoutMs;
        const next = await withinTime(batches.next(), limit, () => void pending.cancel());
        if (next.done) return;
        yield next.value as unknown as Row[];
      }
    } finally {
      await batches.return?.();
    }
  } finally {
    if (began) await connection.unsafe('rollback').catch(() => {});
    connection.release();
  }
}

function withinTime<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  if (ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new BatchTimedOut(ms));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
