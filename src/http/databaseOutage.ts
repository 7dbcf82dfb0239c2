import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';

/**
 * Remembers that the database is away, so requests get a 503 at once instead of each waiting for a
 * connection attempt to time out, and probes it in the background until it answers again: the server
 * recovers by itself, without a restart.
 */
export class DatabaseOutage {
  private since: number | undefined;
  private backSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly watchers = new Set<(error: unknown) => void>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly probeEveryMs = 500,
  ) {}

  get active(): boolean {
    return this.since !== undefined;
  }

  /**
   * Calls `watcher` when the next outage is found, unless the returned function is called first. Requests
   * in flight watch: once one request learns the database is away, the others stop waiting for their own
   * connection attempts (the driver retries queued queries one connect timeout after another) and answer
   * 503 too. A request stops watching when it ends: a promise shared by all requests instead kept one
   * reaction per request (and with it the request's whole response) until the next outage.
   */
  /** How many requests are watching now. */
  get watching(): number {
    return this.watchers.size;
  }

  watchForOutage(watcher: (error: unknown) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /**
   * Called when a request found the database unreachable. A request that came in before the database was
   * last back says nothing about now: its queued queries fail one connect timeout after another, and would
   * otherwise turn a recovered server back to 503s.
   */
  report(error: unknown, requestStartedAt?: number): void {
    if (this.since !== undefined || this.stopped) return;
    if (requestStartedAt !== undefined && this.backSince !== undefined && requestStartedAt < this.backSince) return;
    this.since = Date.now();
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const watcher of watchers) watcher(error);
    this.logger.error('database unreachable: answering 503 until it is back', { error: (error as Error)?.message });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule() {
    this.timer = setTimeout(() => void this.probe(), this.probeEveryMs);
    this.timer.unref();
  }

  private async probe() {
    try {
      await this.db.rows(sql`select 1`);
      this.logger.info('database is back', { downForMs: Date.now() - this.since! });
      this.since = undefined;
      this.backSince = Date.now();
    } catch {
      if (!this.stopped) this.schedule();
    }
  }
}
