import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';

/**
 * The data version of PostgreSQL (dataset_state), polled. Every write bumps it; every instance sees the
 * bump within one poll interval and drops what it cached, so PostgreSQL stays the only source of truth and
 * no instance needs to tell another. Until the first read the version is unknown and nothing is cached.
 */
export class DataVersionWatcher {
  private version: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((version: number) => void)[] = [];

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

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollMs);
    this.timer.unref(); // polling never keeps the process alive
  }

  async refresh(): Promise<number | undefined> {
    try {
      const [row] = await this.db.rows<{ version: number }>(sql`select coalesce((select data_version from dataset_state), 0)::int as "version"`);
      const version = row?.version ?? 0;
      if (version !== this.version) {
        this.version = version;
        for (const listener of this.listeners) listener(version);
      }
    } catch (error) {
      // The database is away: keep the last version; the outage handling answers requests meanwhile.
      this.logger.debug('data version poll failed', { error: (error as Error).message });
    }
    return this.version;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
