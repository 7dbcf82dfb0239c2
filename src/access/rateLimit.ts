import type { EndpointSettings } from '../config.js';
import type { BudgetStore } from './budgetStore.js';
import { callerKeyOf, type FailedKeyGuard, type Identity } from './identity.js';

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
  constructor(
    readonly status: RateLimitStatus,
    readonly wanted: number,
    message = `This request costs ${wanted} points and ${status.remaining} of your ${status.limit} points per ${describeWindow(status.windowSeconds)} are left. ` +
      `Retry after ${status.resetAt.toISOString()}, ask for fewer items, or use an API key for a larger budget.`,
  ) {
    super(message);
  }
}

const FAILED_KEYS_WINDOW_SECONDS = 60;

/**
 * Charges each request's estimated cost to its client's budget: per address when anonymous, per key or
 * token subject otherwise. Also counts the unknown and revoked keys each address presents (FailedKeyGuard),
 * in the same store, so instances sharing Redis share that count too.
 */
export class RateLimiter implements FailedKeyGuard {
  constructor(
    private readonly store: BudgetStore,
    private readonly settings: EndpointSettings['rateLimits'],
  ) {}

  budgetOf(identity: Identity): number {
    return identity.kind === 'anonymous' ? this.settings.anonymous : this.settings[identity.tier];
  }

  /** Requests this instance refused for want of budget (exposed by /metrics). */
  refusals = 0;

  /** Charges `cost` points; throws RateLimitExceeded when they do not fit in what is left. */
  async charge(identity: Identity, cost: number): Promise<RateLimitStatus> {
    const limit = this.budgetOf(identity);
    const windowMs = this.settings.windowSeconds * 1000;
    const key = callerKeyOf(identity); // one budget per caller
    const charge = await this.store.charge(key, cost, limit, windowMs);
    const status = {
      limit,
      cost: charge.accepted ? cost : 0,
      remaining: Math.max(0, limit - charge.used),
      resetAt: charge.resetAt,
      windowSeconds: this.settings.windowSeconds,
    };
    if (!charge.accepted) {
      this.refusals += 1;
      throw new RateLimitExceeded(status, cost);
    }
    return status;
  }

  async beforeKeyLookup(address: string): Promise<void> {
    const limit = this.settings.failedKeysPerMinute;
    const spent = await this.store.spent(failedKeysOf(address));
    if (!spent || spent.used < limit) return;
    const status = { limit, cost: 0, remaining: 0, resetAt: spent.resetAt, windowSeconds: FAILED_KEYS_WINDOW_SECONDS };
    throw new RateLimitExceeded(
      status,
      1,
      `Your address presented ${limit} unknown or revoked API keys within a minute, the most allowed: requests from it with a key are refused, ` +
        `without looking the key up, until ${spent.resetAt.toISOString()}. Check the key you send; requests without one still use the anonymous budget.`,
    );
  }

  async keyLookupFailed(address: string): Promise<{ left: number; resetAt: Date }> {
    const limit = this.settings.failedKeysPerMinute;
    const charge = await this.store.charge(failedKeysOf(address), 1, limit, FAILED_KEYS_WINDOW_SECONDS * 1000);
    return { left: Math.max(0, limit - charge.used), resetAt: charge.resetAt };
  }
}

const failedKeysOf = (address: string) => `failed-keys:${address}`;

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
