import type { Redis } from 'ioredis';

/** What a charge did to a budget: whether it fit, how much of the window is used, when the window ends. */
export interface BudgetCharge {
  accepted: boolean;
  used: number;
  resetAt: Date;
}

/**
 * Fixed-window budgets of cost points. A charge that would go over the limit is refused and not counted,
 * so a client that sends one huge query still has its budget for smaller ones.
 */
export interface BudgetStore {
  charge(key: string, cost: number, limit: number, windowMs: number): Promise<BudgetCharge>;
  close(): Promise<void>;
}

/** One process's budgets: right for a single instance; several instances need the Redis store. */
export class MemoryBudgetStore implements BudgetStore {
  private readonly windows = new Map<string, { used: number; resetAt: number }>();

  async charge(key: string, cost: number, limit: number, windowMs: number): Promise<BudgetCharge> {
    const now = Date.now();
    if (this.windows.size > 10_000) this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) this.windows.set(key, (window = { used: 0, resetAt: now + windowMs }));
    const accepted = window.used + cost <= limit;
    if (accepted) window.used += cost;
    return { accepted, used: window.used, resetAt: new Date(window.resetAt) };
  }

  async close() {}

  private sweep(now: number) {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

// Check and charge in one step on the Redis server, so two instances cannot both spend the last points.
const chargeScript = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
local cost, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if ttl < 0 then used = 0 end
if used + cost > limit then
  if ttl < 0 then ttl = window end
  return {0, used, ttl}
end
if ttl < 0 then
  redis.call('SET', KEYS[1], cost, 'PX', window)
  return {1, cost, window}
end
return {1, redis.call('INCRBY', KEYS[1], cost), ttl}
`;

/** Budgets in Redis, shared by every instance that uses the same Redis and key prefix. */
export class RedisBudgetStore implements BudgetStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {
    redis.defineCommand('minshengChargeBudget', { numberOfKeys: 1, lua: chargeScript });
  }

  async charge(key: string, cost: number, limit: number, windowMs: number): Promise<BudgetCharge> {
    const run = (this.redis as unknown as { minshengChargeBudget(key: string, ...args: number[]): Promise<[number, number, number]> }).minshengChargeBudget;
    const [accepted, used, ttl] = await run.call(this.redis, `${this.prefix}budget:${key}`, cost, limit, windowMs);
    return { accepted: accepted === 1, used, resetAt: new Date(Date.now() + ttl) };
  }

  async close() {}
}
