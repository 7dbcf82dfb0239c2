import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * The instance's one Redis connection (budgets and persisted queries), and whether Redis answers.
 * Commands fail fast instead of queueing while Redis is away, so callers fall back rather than hold
 * requests. Whoever notices a change first (a connection event, a failed or a successful command) reports
 * it, and each change is logged once: an outage is one line, not one per request.
 */
export class RedisLink {
  private reachable = true;

  constructor(
    readonly redis: Redis,
    private readonly logger: Logger,
  ) {
    redis.on('error', (error: Error) => this.lost(error));
    redis.on('ready', () => this.regained());
  }

  lost(error: Error) {
    if (!this.reachable) return;
    this.reachable = false;
    this.logger.warn("redis unreachable: rate-limit budgets fall back to this instance's memory, persisted queries are not shared, until it is back", {
      error: error.message,
    });
  }

  regained() {
    if (this.reachable) return;
    this.reachable = true;
    this.logger.info('redis is back: budgets and persisted queries are shared again');
  }
}

export async function connectRedis(url: string, logger: Logger): Promise<RedisLink> {
  const link = new RedisLink(new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 }), logger);
  await link.redis.connect().catch(() => {}); // reported by the error handler; ioredis keeps reconnecting
  return link;
}
