import type { EndpointSettings } from '../config.js';
import type { Logger } from '../logger.js';
import type { BudgetStore } from './budgetStore.js';
import type { Identity } from './identity.js';

/** A client's budget after this request: what the `rateLimit` field and the RateLimit headers report. */
export interface RateLimitStatus {
  /** Cost points per window for this client. */
  limit: number;
  /** What this request cost (0 when it was refused). */
  cost: number;
  remaining: number;
  resetAt: Date;
  windowSeconds: number;
}

export class RateLimitExceeded extends Error {
  constructor(readonly status: RateLimitStatus, readonly wanted: number) {
    super(
      `This request costs ${wanted} points and ${status.remaining} of your ${status.limit} points per ${describeWindow(status.windowSeconds)} are left. ` +
        `Retry after ${status.resetAt.toISOString()}, ask for fewer items, or use an API key for a larger budget.`,
    );
  }
}

/** Charges each request's estimated cost to its client's budget: per address when anonymous, per key otherwise. */
export class RateLimiter {
  constructor(
    private readonly store: BudgetStore,
    private readonly settings: EndpointSettings['rateLimits'],
    private readonly logger: Logger,
  ) {}

  budgetOf(identity: Identity): number {
    return identity.kind === 'anonymous' ? this.settings.anonymous : this.settings[identity.tier];
  }

  /** Charges `cost` points; throws RateLimitExceeded when they do not fit in what is left. */
  async charge(identity: Identity, cost: number): Promise<RateLimitStatus> {
    const limit = this.budgetOf(identity);
    const windowMs = this.settings.windowSeconds * 1000;
    const key = identity.kind === 'anonymous' ? `ip:${identity.address}` : `key:${identity.keyId}`;
    const windowSeconds = this.settings.windowSeconds;
    let charge;
    try {
      charge = await this.store.charge(key, cost, limit, windowMs);
    } catch (error) {
      // A budget store that is away must not take the API down with it: serve, unmetered, and say so in the log.
      this.logger.warn('rate limit store failed; request not metered', { error: (error as Error).message });
      return { limit, cost, remaining: limit - cost, resetAt: new Date(Date.now() + windowMs), windowSeconds };
    }
    const status = { limit, cost: charge.accepted ? cost : 0, remaining: Math.max(0, limit - charge.used), resetAt: charge.resetAt, windowSeconds };
    if (!charge.accepted) throw new RateLimitExceeded(status, cost);
    return status;
  }
}

/** RateLimit headers (IETF draft, the widely implemented "RateLimit-*" form): limit, remaining, seconds to reset. */
export function rateLimitHeaders(status: RateLimitStatus): [string, string][] {
  const secondsToReset = Math.max(0, Math.ceil((status.resetAt.getTime() - Date.now()) / 1000));
  return [
    ['ratelimit-limit', String(status.limit)],
    ['ratelimit-remaining', String(status.remaining)],
    ['ratelimit-reset', String(secondsToReset)],
    ['ratelimit-policy', `${status.limit};w=${status.windowSeconds}`],
  ];
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  return `${seconds} s`;
}
