import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { apiKeys } from '../db/tables/index.js';

/** Rate-limit tiers a key can have; anonymous clients have their own, lower budget. */
export const apiKeyTiers = ['standard', 'partner'] as const;
export type ApiKeyTier = (typeof apiKeyTiers)[number];

/** `ms_` and 43 base64url characters (256 random bits): recognisable in logs and secret scanners. */
const KEY_PATTERN = /^ms_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 10;

export interface ApiKeyInfo {
  id: number;
  name: string;
  tier: ApiKeyTier;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Makes a key and stores its hash. The key itself is returned once and kept nowhere. */
export async function createApiKey(db: Database, name: string, tier: ApiKeyTier): Promise<{ key: string; info: ApiKeyInfo }> {
  const key = `ms_${randomBytes(32).toString('base64url')}`;
  const [row] = await db.drizzle
    .insert(apiKeys)
    .values({ name, tier, keyPrefix: key.slice(0, PREFIX_LENGTH), keyHash: hashApiKey(key) })
    .returning();
  return { key, info: toInfo(row!) };
}

export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  const rows = await db.drizzle.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(toInfo);
}

/** Revokes the key with this id or prefix; returns what was revoked (nothing when no live key matches). */
export async function revokeApiKey(db: Database, idOrPrefix: string): Promise<ApiKeyInfo[]> {
  const match = /^\d+$/.test(idOrPrefix) ? eq(apiKeys.id, Number(idOrPrefix)) : eq(apiKeys.keyPrefix, idOrPrefix);
  const rows = await db.drizzle
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(match, isNull(apiKeys.revokedAt)))
    .returning();
  return rows.map(toInfo);
}

/** The stored key a presented key hashes to, revoked or not; undefined when none does. */
export async function findApiKey(db: Database, key: string): Promise<ApiKeyInfo | undefined> {
  // Through rows(), so a request counts this statement like its others; raw rows carry times as text, so
  // they come as epoch milliseconds.
  const [row] = await db.rows<{ id: number; name: string; tier: ApiKeyTier; prefix: string; createdMs: number; revokedMs: number | null }>(sql`
    select id, name, tier, key_prefix as "prefix", (extract(epoch from created_at) * 1000)::float8 as "createdMs",
      (extract(epoch from revoked_at) * 1000)::float8 as "revokedMs"
    from ${apiKeys} where key_hash = ${hashApiKey(key)} limit 1`);
  if (!row) return undefined;
  const { createdMs, revokedMs, ...info } = row;
  return { ...info, createdAt: new Date(createdMs), revokedAt: revokedMs == null ? null : new Date(revokedMs) };
}

function toInfo(row: typeof apiKeys.$inferSelect): ApiKeyInfo {
  return { id: row.id, name: row.name, tier: row.tier as ApiKeyTier, prefix: row.keyPrefix, createdAt: row.createdAt, revokedAt: row.revokedAt };
}
