/**
 * The writes of one process take their turn here, before they take a connection. Every write waits for the
 * writer lock anyway (write.ts: `dataset_state FOR UPDATE`); waiting for it inside PostgreSQL, each waiting
 * transaction held one of the pool's connections, so a burst of publishes left the readers none. Here a
 * write waits without a connection, as long as a statement may wait for the lock (the statement timeout),
 * and is then refused as the lock's wait would have been. Across processes the writer lock still decides.
 */

/** A write that waited its whole turn: another write of this process held the turn that long. */
export class WriteBusy extends Error {
  readonly code = 'WRITE_BUSY';
  constructor(waitedMs: number) {
    super(`Another write was still being applied after ${waitedMs} ms (a bulk import, or many writes at once). Retry in a few seconds.`);
  }
}

interface Turns {
  /** Settles when every write that asked before has finished. */
  last: Promise<void>;
  /** How long a write may wait for its turn; 0: as long as it takes. */
  waitMs: number;
  /** What the writes run on: a handle of their own (its own connection), or the handle itself. */
  writer: object;
}

const turnsOf = new WeakMap<object, Turns>();

/** Makes the writes through this database handle (its Drizzle instance) take turns, on `writer` if given. */
export function takeWritesInTurn<Handle extends object>(handle: Handle, waitMs: number, writer: Handle = handle): void {
  turnsOf.set(handle, { last: Promise.resolve(), waitMs, writer });
}

/**
 * Runs `write` on the handle's writer when the writes asked before it are done; at once, on the handle itself,
 * where the handle takes no turns.
 */
export async function inTurn<Handle extends object, T>(handle: Handle, write: (writer: Handle) => Promise<T>): Promise<T> {
  const turns = turnsOf.get(handle);
  if (!turns) return write(handle);
  const before = turns.last;
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  turns.last = before.then(() => mine);
  try {
    await within(before, turns.waitMs);
  } catch (error) {
    done(); // those after it wait for `before` still, then for nothing
    throw error;
  }
  try {
    return await write(turns.writer as Handle);
  } finally {
    done();
  }
}

function within(turn: Promise<void>, waitMs: number): Promise<void> {
  if (waitMs <= 0) return turn;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WriteBusy(waitMs)), waitMs);
  });
  return Promise.race([turn, late]).finally(() => clearTimeout(timer));
}
