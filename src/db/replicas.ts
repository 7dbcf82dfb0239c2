import type { Logger } from '../logger.js';
import type { Database } from './connection.js';
import { isDatabaseUnreachable } from './errorCauses.js';
import { readDataVersion } from './dataVersion.js';

/** One read replica: a PostgreSQL standby fed by streaming replication, and what its last poll found. */
export interface Replica {
  /** host:port/database, never the password: for logs, /readyz and metric labels. */
  readonly name: string;
  readonly db: Database;
}

/** What /readyz and /metrics say of a replica. */
export interface ReplicaStatus {
  name: string;
  reachable: boolean;
  /** The data version it had replayed at its last poll. */
  dataVersion?: number;
  /** How long it has been behind the primary's data version (0 when it is not). */
  lagMs?: number;
  /** Whether reads are sent to it now; when not, why. */
  serving: boolean;
  skippedBecause?: string;
}

interface Polled {
  reachable: boolean;
  version?: number;
  error?: string;
}

// A replica is asked for its version out of turn at most this often (ReadReplicas.choose).
const REPOLL_MS = 20;
// A poll not answered within this long (or the poll interval, if longer) finds the replica away.
const POLL_TIMEOUT_MS = 1000;

/** A read sent to a replica that could not be reached: the caller runs it again on the primary. */
export class ReplicaUnavailable extends Error {
  readonly code = 'REPLICA_UNAVAILABLE';
  constructor(replica: string, cause: unknown) {
    super(`The read replica ${replica} could not be reached.`, { cause });
  }
}

/**
 * The read replicas, watched: each is polled for the data version it has replayed (dataset_state, which
 * replication carries like any table), so "has it caught up with version N" is answered from PostgreSQL's
 * own replay, whatever the WAL positions. A replica's lag is how long the primary has had a version the
 * replica has not: one behind by more than the allowed lag, or not answering, gets no reads until a poll
 * finds it back.
 */
export class ReadReplicas {
  private readonly polled = new Map<Replica, Polled>();
  private readonly polledAt = new Map<Replica, number>();
  private readonly polling = new Map<Replica, Promise<void>>();
  // The reads waiting on each replica, failed at once when it is found away.
  private readonly waiting = new Map<Replica, Set<(error: unknown) => void>>();
  // When this instance first saw the primary at each recent version: a replica's lag is measured from them.
  private readonly primarySince: { version: number; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private next = 0;

  constructor(
    readonly replicas: readonly Replica[],
    private readonly primaryVersion: () => number | undefined,
    private readonly settings: { pollMs: number; maxLagMs: number },
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.primaryMovedTo(this.primaryVersion());
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
  }

  /** Called when the primary's data version changes (DataVersionWatcher). */
  primaryMovedTo(version: number | undefined): void {
    if (version === undefined) return;
    const last = this.primarySince.at(-1);
    if (last && last.version >= version) return;
    this.primarySince.push({ version, at: Date.now() });
    // Only versions some replica may still be behind matter; the list stays short.
    const oldest = Math.min(version, ...[...this.polled.values()].map((polled) => polled.version ?? version));
    while (this.primarySince.length > 1 && this.primarySince[1]!.version <= oldest) this.primarySince.shift();
  }

  /**
   * A replica that has replayed at least `atLeast` and is within the allowed lag, taken in turn; undefined
   * when none is (the read goes to the primary). A client that has seen a version newer than a replica's
   * last poll would otherwise go to the primary until the next poll, though the replica has most likely
   * replayed it within milliseconds: the replica is asked again at once, at most every REPOLL_MS.
   */
  async choose(atLeast: number): Promise<{ replica: Replica; version: number } | undefined> {
    const chosen = this.chooseAsPolled(atLeast);
    if (chosen || atLeast > (this.primaryVersion() ?? 0)) return chosen;
    const behind = this.replicas.filter((replica) => this.polled.get(replica)?.reachable && Date.now() - (this.polledAt.get(replica) ?? 0) >= REPOLL_MS);
    if (behind.length === 0) return undefined;
    await Promise.all(behind.map((replica) => this.pollOne(replica)));
    return this.chooseAsPolled(atLeast);
  }

  private chooseAsPolled(atLeast: number): { replica: Replica; version: number } | undefined {
    for (let tried = 0; tried < this.replicas.length; tried++) {
      const replica = this.replicas[(this.next + tried) % this.replicas.length]!;
      const polled = this.polled.get(replica);
      if (!polled?.reachable || polled.version === undefined || polled.version < atLeast) continue;
      if (this.lagOf(polled.version) > this.settings.maxLagMs) continue;
      this.next = (this.next + tried + 1) % this.replicas.length;
      return { replica, version: polled.version };
    }
    return undefined;
  }

  /**
   * The replica as one read sees it: a statement that finds it unreachable marks it away (no read goes to
   * it until a poll finds it back) and fails as ReplicaUnavailable, which the caller answers from the primary.
   * Once it is marked away, the statements still waiting on it fail so at once too: behind a pooler they
   * would otherwise wait in its queue for a server that is gone.
   */
  reading(replica: Replica, failed: () => void): Database {
    return {
      kind: replica.db.kind,
      drizzle: replica.db.drizzle,
      rows: <Row>(query: Parameters<Database['rows']>[0], cancellation?: Parameters<Database['rows']>[1]) =>
        new Promise<Row[]>((resolve, reject) => {
          const waiting = this.waitingOn(replica);
          const away = (error: unknown) => {
            failed();
            reject(new ReplicaUnavailable(replica.name, error));
          };
          waiting.add(away);
          replica.db.rows<Row>(query, cancellation).then(
            (rows) => {
              waiting.delete(away);
              resolve(rows);
            },
            (error: unknown) => {
              waiting.delete(away);
              if (!isDatabaseUnreachable(error)) return reject(error);
              this.markAway(replica, error);
              away(error);
            },
          );
        }),
      readTransaction: replica.db.readTransaction?.bind(replica.db),
      close: async () => {},
    };
  }

  private waitingOn(replica: Replica): Set<(error: unknown) => void> {
    let waiting = this.waiting.get(replica);
    if (!waiting) this.waiting.set(replica, (waiting = new Set()));
    return waiting;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => {
      const polled = this.polled.get(replica);
      if (!polled?.reachable) return { name: replica.name, reachable: false, serving: false, skippedBecause: polled?.error ?? 'not polled yet' };
      const lagMs = this.lagOf(polled.version ?? 0);
      const tooFar = lagMs > this.settings.maxLagMs;
      return {
        name: replica.name,
        reachable: true,
        dataVersion: polled.version,
        lagMs,
        serving: !tooFar,
        ...(tooFar ? { skippedBecause: `behind the primary for ${lagMs} ms (allowed: ${this.settings.maxLagMs} ms)` } : {}),
      };
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.replicas.map((replica) => replica.db.close()));
  }

  /** How long the primary has had a version newer than `version`; 0 when it has none. */
  private lagOf(version: number): number {
    const newer = this.primarySince.find((seen) => seen.version > version);
    return newer ? Date.now() - newer.at : 0;
  }

  private markAway(replica: Replica, error: unknown): void {
    const was = this.polled.get(replica);
    this.polled.set(replica, { reachable: false, error: (error as Error).message });
    const waiting = [...this.waitingOn(replica)];
    this.waitingOn(replica).clear();
    for (const away of waiting) away(error);
    if (was?.reachable !== false) {
      this.logger.warn('read replica unreachable: its reads go to the primary until it is back', { replica: replica.name, error: (error as Error).message });
    }
  }

  private async poll(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => this.pollOne(replica)));
  }

  /** Reads the replica's data version; requests that ask while a read is on its way share it. */
  private pollOne(replica: Replica): Promise<void> {
    let polling = this.polling.get(replica);
    if (!polling) {
      this.polledAt.set(replica, Date.now());
      polling = this.readVersion(replica).finally(() => this.polling.delete(replica));
      this.polling.set(replica, polling);
    }
    return polling;
  }

  private async readVersion(replica: Replica): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A replica that does not answer (or a pooler queueing for one that is gone) is away as much as one that refuses.
      const silent = new Promise<never>((_, reject) => {
        const timeoutMs = Math.max(POLL_TIMEOUT_MS, this.settings.pollMs);
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const reading = readDataVersion(replica.db);
      reading.catch(() => {});
      const version = await Promise.race([reading, silent]);
      const was = this.polled.get(replica);
      this.polled.set(replica, { reachable: true, version });
      if (was && !was.reachable) this.logger.info('read replica is back', { replica: replica.name });
    } catch (error) {
      this.markAway(replica, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A replica's name from its URL: host, port and database, without user or password. */
export function replicaName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
