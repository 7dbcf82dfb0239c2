import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { readDataVersion } from '../db/dataVersion.js';

/** The least time between two reads of the version asked for by clients' headers (catchUp). */
const CATCH_UP_GAP_MS = 50;

/** The channel a write's transaction notifies when it commits a new data version (drizzle/0021). */
export const DATA_VERSION_CHANNEL = 'minsheng_data_version';

/**
 * The data version of PostgreSQL (dataset_state), read again as soon as a write commits (LISTEN/NOTIFY) and
 * polled besides (behind a transaction pooler, or while the listening connection is away). Every write bumps
 * it; every instance sees the bump and drops what it cached, so PostgreSQL stays the only source of truth and
 * no instance needs to tell another. Until the first read the version is unknown and nothing is cached.
 */
export class DataVersionWatcher {
  private version: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly listeners: ((version: number) => void)[] = [];
  /** Those waiting for the next change (live change streams), each woken once. */
  private readonly waiting = new Set<() => void>();
  /** The shared read of clients' versions (catchUp), and when the last one started. */
  private catchingUp: Promise<number | undefined> | undefined;
  private lastCatchUp = 0;

  constructor(
    private readonly db: Database,
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {}

  get current(): number | undefined {
    return this.version;
  }

  onChange(listener: (version: number) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves at the next change of version, or when `signal` aborts. */
  nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.waiting.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      if (signal.aborted) return resolve();
      this.waiting.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollMs);
    this.timer.unref(); // polling never keeps the process alive
    try {
      this.unlisten = await this.db.listen?.(DATA_VERSION_CHANNEL, () => void this.refresh());
    } catch (error) {
      // Polling still follows the version, a poll interval later.
      this.logger.warn('cannot listen for new data versions; polling only', { error: (error as Error).message });
    }
  }

  /**
   * Reads the version again for a client that names one this instance has not seen (a header). Such reads
   * are shared and spaced at least CATCH_UP_GAP_MS apart: a flood of made-up versions costs the database a
   * few statements a second, and a real one (its notification not yet here) waits at most that long. The
   * shared read starts after every caller that joins it asked, so none is answered from an older read.
   */
  catchUp(): Promise<number | undefined> {
    this.catchingUp ??= new Promise((resolve) => setTimeout(resolve, Math.max(0, this.lastCatchUp + CATCH_UP_GAP_MS - Date.now()))).then(() => {
      this.catchingUp = undefined;
      this.lastCatchUp = Date.now();
      return this.refresh();
    });
    return this.catchingUp;
  }

  /** Reads the version again (a write just committed, a notification came, or the poll); resolves to it. */
  async refresh(): Promise<number | undefined> {
    try {
      const version = await readDataVersion(this.db);
      if (version !== this.version) {
        this.version = version;
        for (const listener of this.listeners) listener(version);
        for (const wake of [...this.waiting]) wake();
      }
    } catch (error) {
      // The database is away: keep the last version; the outage handling answers requests meanwhile.
      this.logger.debug('data version poll failed', { error: (error as Error).message });
    }
    return this.version;
  }

  stop(): void {
    clearInterval(this.timer);
    void this.unlisten?.().catch(() => {});
    for (const wake of [...this.waiting]) wake();
  }
}
