import type { Readable } from 'node:stream';
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
  yield* inReadOnlyTransaction(client, [], async function* (connection) {
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
  });
}

/**
 * A query's rows as PostgreSQL's own CSV (`COPY (query) TO STDOUT`), chunk by chunk as they arrive: the
 * server formats every value, so no row is parsed or formatted here (a cursor's rows would be, value by
 * value). The same transaction and time limits as cursorBatches. COPY takes no parameters: `text` has its
 * values written in (renderSql.ts, renderWithValues). Stopping the iteration, or `signal`, cancels the
 * statement; what is still in flight is read and dropped, so the connection is clean when it goes back to the pool.
 */
export async function* copyOutChunks(
  client: postgres.Sql,
  text: string,
  { batchTimeoutMs, firstBatchTimeoutMs }: Omit<StreamOptions, 'batchSize'>,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  if (signal?.aborted) return;
  // A download is bulk work beside interactive requests: one backend, not a parallel plan taking every core.
  yield* inReadOnlyTransaction(client, ["datestyle = 'ISO'", 'max_parallel_workers_per_gather = 0'], async function* (connection) {
    const pending = connection.unsafe(`copy (${text}) to stdout with (format csv)`);
    // Whoever reads may be gone before the first rows come (a sort of every row comes first): stop then.
    // Not before the stream is ours: an error arriving with the start of the COPY would be emitted on a
    // stream nobody listens to yet, which crashes the process.
    let readable: Readable | undefined = undefined;
    let cancelWanted = false;
    const cancel = () => (readable ? void pending.cancel() : (cancelWanted = true));
    signal?.addEventListener('abort', cancel, { once: true });
    readable = (await withinTime(pending.readable() as unknown as Promise<Readable>, firstBatchTimeoutMs, () => void pending.cancel())) as Readable;
    readable.on('error', () => {}); // an error ends the iteration below, which reads it from the stream
    if (cancelWanted) void pending.cancel();
    // Not destroyed when the loop stops early: postgres.js pauses the socket until the stream is read.
    const chunks = readable.iterator({ destroyOnReturn: false });
    let finished = false;
    try {
      for (let first = true; ; first = false) {
        const next = await withinTime(chunks.next(), first ? firstBatchTimeoutMs : batchTimeoutMs, () => void pending.cancel());
        if (next.done) {
          finished = true;
          flowAgain(readable);
          return;
        }
        yield next.value as Buffer;
      }
    } finally {
      if (!finished) {
        // PostgreSQL acts on the cancel only once it is not waiting to write to us: read and drop the rest.
        void pending.cancel();
        await dropTheRest(chunks);
        flowAgain(readable);
      }
      signal?.removeEventListener('abort', cancel);
    }
  });
}

/**
 * `work` on a connection of its own, in a read-only transaction with the statement time limit lifted (the
 * callers bound each step instead) and `settings` set; rolled back and released when the work ends or stops.
 */
async function* inReadOnlyTransaction<T>(
  client: postgres.Sql,
  settings: string[],
  work: (connection: postgres.ReservedSql) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const connection = await client.reserve();
  let began = false;
  try {
    await connection.unsafe('begin transaction read only');
    began = true;
    for (const setting of ['statement_timeout = 0', ...settings]) await connection.unsafe(`set local ${setting}`);
    yield* work(connection);
  } finally {
    if (began) await connection.unsafe('rollback').catch(() => {});
    connection.release();
  }
}

async function dropTheRest(chunks: AsyncIterator<unknown>): Promise<void> {
  try {
    while (!(await chunks.next()).done);
  } catch {
    // the cancelled statement's error ends the stream
  }
}

/**
 * postgres.js pauses the connection's socket whenever the COPY stream's buffer is full and resumes it when
 * the stream is read. When the last rows and the end of the COPY arrive together, it can be left paused
 * after the stream has ended, with the statement's completion unread: the connection's next statement
 * (here, the rollback) then waits for ever (porsager/postgres#499; the fix, #1016, resumes the socket at
 * the end of the COPY). This does the same from outside: the stream's read hook resumes the socket.
 */
function flowAgain(readable: Readable): void {
  (readable as unknown as { _read(size: number): void })._read(0);
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
