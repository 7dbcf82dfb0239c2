import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { causeCodes } from './errorCauses.js';

// Node socket errors and postgres.js connection errors, and PostgreSQL's own "cannot serve now" codes.
const unreachableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
]);

/** Is this error (or what it wraps: GraphQL → Drizzle → driver) the database being unreachable? */
export function isDatabaseUnreachable(error: unknown): boolean {
  return causeCodes(error).some((code) => unreachableCodes.has(code));
}

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
  private next = deferredRejection();

  constructor(private readonly db: Database, private readonly logger: Logger, private readonly probeEveryMs = 500) {}

  get active(): boolean {
    return this.since !== undefined;
  }

  /**
   * Rejects when the next outage is found. Requests in flight race it: once one request learns the
   * database is away, the others stop waiting for their own connection attempts (the driver retries
   * queued queries one connect timeout after another) and answer 503 too.
   */
  whenDown(): Promise<never> {
    return this.next.promise;
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
    this.next.reject(error);
    this.next = deferredRejection();
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

function deferredRejection(): { promise: Promise<never>; reject: (error: unknown) => void } {
  let reject!: (error: unknown) => void;
  const promise = new Promise<never>((_, rejectWith) => (reject = rejectWith));
  promise.catch(() => {}); // nobody may be racing it when it fires
  return { promise, reject };
}
