/**
 * The writes of one process take their turn here, before they take a connection. Every write waits for the
 * writer lock anyway (write.ts: `dataset_state FOR UPDATE`); waiting for it inside PostgreSQL, each waiting
 * transaction held one of the pool's connections, so a burst of publishes left the readers none. Here at most
 * a few writes run at once, on connections of their own (the one holding the lock, and the next ones waiting
 * for it inside PostgreSQL, so that it passes from one to the next at once); the others wait without a
 * connection, as long as a statement may wait for the lock (the statement timeout), and are then refused as
 * the lock's wait would have been. Across processes the writer lock still decides.
 */

/** A write that waited its whole turn: other writes of this process held every turn that long. */
export class WriteBusy extends Error {
  readonly code = 'WRITE_BUSY';
  constructor(waitedMs: number) {
    super(`Another write was still being applied after ${waitedMs} ms (a bulk import, or many writes at once). Retry in a few seconds.`);
  }
}

interface Turns {
  /** How many writes may run at once. */
  limit: number;
  running: number;
  /** Writes waiting for a turn, first come first served: each is handed the turn of a write that ends. */
  waiting: (() => void)[];
  /** How long a write may wait for its turn; 0: as long as it takes. */
  waitMs: number;
  /** What the writes run on: a handle of their own (connections of their own), or the handle itself. */
  writer: object;
}

const turnsOf = new WeakMap<object, Turns>();

/** Makes the writes through this database handle (its Drizzle instance) take turns, `limit` at once, on `writer` if given. */
export function takeWritesInTurn<Handle extends object>(handle: Handle, options: { waitMs: number; limit?: number; writer?: Handle }): void {
  turnsOf.set(handle, { limit: options.limit ?? 1, running: 0, waiting: [], waitMs: options.waitMs, writer: options.writer ?? handle });
}

/**
 * Runs `write` on the handle's writer when it has a turn, first come first served; at once, on the handle
 * itself, where the handle takes no turns.
 */
export async function inTurn<Handle extends object, T>(handle: Handle, write: (writer: Handle) => Promise<T>): Promise<T> {
  const turns = turnsOf.get(handle);
  if (!turns) return write(handle);
  if (turns.running < turns.limit && turns.waiting.length === 0) turns.running++;
  else await handedTurn(turns);
  try {
    return await write(turns.writer as Handle);
  } finally {
    // The turn goes to the first waiting write, if any; it stays counted as running.
    const next = turns.waiting.shift();
    if (next) next();
    else turns.running--;
  }
}

function handedTurn(turns: Turns): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const handed = () => {
      clearTimeout(timer);
      resolve();
    };
    turns.waiting.push(handed);
    if (turns.waitMs > 0) {
      timer = setTimeout(() => {
        turns.waiting.splice(turns.waiting.indexOf(handed), 1);
        reject(new WriteBusy(turns.waitMs));
      }, turns.waitMs);
    }
  });
}
