import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * The instance's one Redis connection (budgets and persisted queries). Commands fail fast instead of
 * queueing while Redis is away, so callers can fall back rather than hold requests.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) logger.warn('redis unavailable: rate limits and persisted queries fall back', { error: error.message });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('redis is back');
    reported = false;
  });
  await redis.connect().catch(() => {}); // reported by the error handler; ioredis keeps reconnecting
  return redis;
}
