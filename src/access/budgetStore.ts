import type { RedisLink } from './redisClient.js';

/** What a charge did to a budget: whether it fit, how much of the window is used, when the window ends. */
export interface BudgetCharge {
  accepted: boolean;
  used: number;
  resetAt: Date;
}

/** How much of a budget's window is used; undefined when no window is open. */
export interface BudgetSpent {
  used: number;
  resetAt: Date;
}

/**
 * Fixed-window budgets of cost points. A charge that would go over the limit is refused and not counted,
 * so a client that sends one huge query still has its budget for smaller ones. A store always answers:
 * one whose backend is away falls back to the process's memory.
 */
export interface BudgetStore {
  charge(key: string, cost: number, limit: number, windowMs: number): Promise<BudgetCharge>;
  /** Reads a budget without charging it. */
  spent(key: string): Promise<BudgetSpent | undefined>;
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

  async spent(key: string): Promise<BudgetSpent | undefined> {
    const window = this.windows.get(key);
    return window && window.resetAt > Date.now() ? { used: window.used, resetAt: new Date(window.resetAt) } : undefined;
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

const spentScript = `return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}`;

/** The scripts above, as ioredis adds them to the connection. */
interface BudgetScripts {
  minshengChargeBudget(key: string, cost: number, limit: number, windowMs: number): Promise<[number, number, number]>;
  minshengBudgetSpent(key: string): Promise<[number, number]>;
}

/**
 * Budgets in Redis, shared by every instance that uses the same Redis and key prefix. While Redis is
 * away each instance keeps budgets in its own memory: clients stay metered, per instance, until it is back.
 */
export class RedisBudgetStore implements BudgetStore {
  private readonly local = new MemoryBudgetStore();
  private readonly scripts: BudgetScripts;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
  ) {
    link.redis.defineCommand('minshengChargeBudget', { numberOfKeys: 1, lua: chargeScript });
    link.redis.defineCommand('minshengBudgetSpent', { numberOfKeys: 1, lua: spentScript });
    this.scripts = link.redis as unknown as BudgetScripts;
  }

  async charge(key: string, cost: number, limit: number, windowMs: number): Promise<BudgetCharge> {
    const answer = await this.ask(() => this.scripts.minshengChargeBudget(this.keyOf(key), cost, limit, windowMs));
    if (!answer) return this.local.charge(key, cost, limit, windowMs);
    const [accepted, used, ttl] = answer;
    return { accepted: accepted === 1, used, resetAt: new Date(Date.now() + ttl) };
  }

  async spent(key: string): Promise<BudgetSpent | undefined> {
    const answer = await this.ask(() => this.scripts.minshengBudgetSpent(this.keyOf(key)));
    if (!answer) return this.local.spent(key);
    const [used, ttl] = answer;
    return ttl < 0 ? undefined : { used, resetAt: new Date(Date.now() + ttl) };
  }

  async close() {}

  private keyOf(key: string) {
    return `${this.prefix}budget:${key}`;
  }

  /** Redis's answer, or undefined (and the outage reported) when it did not give one. */
  private async ask<T>(command: () => Promise<T>): Promise<T | undefined> {
    try {
      const answer = await command();
      this.link.regained();
      return answer;
    } catch (error) {
      this.link.lost(error as Error);
      return undefined;
    }
  }
}
