import type { RedisLink } from '../access/redisClient.js';

/**
 * The data version each writer's last write produced, so that its next reads, through any instance, go to
 * a database that has it (read-your-writes with read replicas). Kept for as long as a replica may lag;
 * after that every replica that serves reads has it anyway.
 */
export interface WrittenVersions {
  record(caller: string, version: number): Promise<void>;
  /** The version the caller's last write produced: 0 when it wrote none lately, undefined when not known now. */
  of(caller: string): Promise<number | undefined>;
}

/** One instance's memory: right when it is the only instance. */
export class MemoryWrittenVersions implements WrittenVersions {
  private readonly versions = new Map<string, { version: number; until: number }>();

  constructor(private readonly keepMs: number) {}

  async record(caller: string, version: number): Promise<void> {
    const now = Date.now();
    if (this.versions.size > 10_000) for (const [key, kept] of this.versions) if (kept.until <= now) this.versions.delete(key);
    const kept = this.versions.get(caller);
    this.versions.set(caller, { version: Math.max(version, kept && kept.until > now ? kept.version : 0), until: now + this.keepMs });
  }

  async of(caller: string): Promise<number> {
    const kept = this.versions.get(caller);
    return kept && kept.until > Date.now() ? kept.version : 0;
  }
}

// Only ever raised: two instances recording one caller's writes at once keep the later version.
const recordScript = `
local kept = tonumber(redis.call('GET', KEYS[1]) or '0')
local version = tonumber(ARGV[1])
if version > kept then kept = version end
redis.call('SET', KEYS[1], kept, 'PX', ARGV[2])
return kept
`;

/**
 * Shared by every instance on the same Redis. While Redis is away a writer's last version is not known:
 * its reads then go to the primary, which has every version.
 */
export class RedisWrittenVersions implements WrittenVersions {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly keepMs: number,
  ) {
    link.redis.defineCommand('minshengRecordWrittenVersion', { numberOfKeys: 1, lua: recordScript });
  }

  async record(caller: string, version: number): Promise<void> {
    const redis = this.link.redis as unknown as { minshengRecordWrittenVersion(key: string, version: number, keepMs: number): Promise<number> };
    await redis.minshengRecordWrittenVersion(this.keyOf(caller), version, this.keepMs).catch((error: Error) => this.link.lost(error));
  }

  async of(caller: string): Promise<number | undefined> {
    try {
      const kept = await this.link.redis.get(this.keyOf(caller));
      return kept === null ? 0 : Number(kept);
    } catch (error) {
      this.link.lost(error as Error);
      return undefined;
    }
  }

  private keyOf(caller: string): string {
    return `${this.prefix}written:${caller}`;
  }
}
