import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { apiKeyOrganizations, apiKeys, organizations } from '../db/tables/index.js';
import type { Domain } from '../db/vocabulary.js';
import { scopeProblem, type Role } from './roles.js';
import { organizationIdsOf } from './scope.js';

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
  role: Role;
  /** Slugs of the organizations it acts for (as they are named today). */
  organizations: string[];
  domains: Domain[];
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What a new key may do, and for whom: organizations by slug, domains as stored. */
export interface ApiKeyAccess {
  role: Role;
  organizations?: readonly string[];
  domains?: readonly Domain[];
}

/** A key that cannot be made as asked (an unknown organization, a role without the scope it needs). */
export class ApiKeyRefused extends Error {}

export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Makes a key and stores its hash. The key itself is returned once and kept nowhere. Its organizations must
 * exist and be live; an editor or publisher must act for at least one organization or domain.
 */
export async function createApiKey(
  db: Database,
  name: string,
  tier: ApiKeyTier,
  access: ApiKeyAccess = { role: 'reader' },
): Promise<{ key: string; info: ApiKeyInfo }> {
  const slugs = access.organizations ?? [];
  const domains = [...new Set(access.domains ?? [])];
  const problem = scopeProblem(access.role, slugs.length, domains.length);
  if (problem) throw new ApiKeyRefused(`${problem[0]!.toUpperCase()}${problem.slice(1)}: name its organizations or domains.`);
  const { ids, unknown } = await organizationIdsOf(db, slugs);
  if (unknown.length > 0) {
    throw new ApiKeyRefused(
      `No live organization has the slug ${unknown.map((slug) => JSON.stringify(slug)).join(', ')}: use the slug of an organization the API lists (\`{ organizations { nodes { slug } } }\`).`,
    );
  }
  const key = `ms_${randomBytes(32).toString('base64url')}`;
  const row = await db.drizzle.transaction(async (transaction) => {
    const [inserted] = await transaction
      .insert(apiKeys)
      .values({ name, tier, role: access.role, domains, keyPrefix: key.slice(0, PREFIX_LENGTH), keyHash: hashApiKey(key) })
      .returning();
    if (ids.length > 0) await transaction.insert(apiKeyOrganizations).values(ids.map((organizationId) => ({ keyId: inserted!.id, organizationId })));
    return inserted!;
  });
  return { key, info: toInfo(row, [...new Set(slugs)].sort()) };
}

export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  return infosOf(db, await db.drizzle.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)));
}

/** Revokes the key with this id or prefix; returns what was revoked (nothing when no live key matches). */
export async function revokeApiKey(db: Database, idOrPrefix: string): Promise<ApiKeyInfo[]> {
  const match = /^\d+$/.test(idOrPrefix) ? eq(apiKeys.id, Number(idOrPrefix)) : eq(apiKeys.keyPrefix, idOrPrefix);
  const rows = await db.drizzle
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(match, isNull(apiKeys.revokedAt)))
    .returning();
  return infosOf(db, rows);
}

/** A stored key as a request meets it: what identify() needs, with the ids of the live organizations it acts for. */
export interface StoredApiKey {
  id: number;
  name: string;
  tier: ApiKeyTier;
  role: Role;
  organizationIds: number[];
  domains: Domain[];
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** The stored key a presented key hashes to, revoked or not; undefined when none does. */
export async function findApiKey(db: Database, key: string): Promise<StoredApiKey | undefined> {
  // One statement, through rows(), so a request counts it like its others; raw rows carry times as text, so
  // they come as epoch milliseconds. A retired organization is no longer acted for.
  const [row] = await db.rows<Omit<StoredApiKey, 'createdAt' | 'revokedAt'> & { createdMs: number; revokedMs: number | null }>(sql`
    select k.id, k.name, k.tier, k.role, k.domains, k.key_prefix as "prefix", (extract(epoch from k.created_at) * 1000)::float8 as "createdMs",
      (extract(epoch from k.revoked_at) * 1000)::float8 as "revokedMs",
      coalesce((select array_agg(ko.organization_id order by ko.organization_id) from ${apiKeyOrganizations} ko
        join ${organizations} o on o.id = ko.organization_id and o.retired_at is null where ko.key_id = k.id), '{}') as "organizationIds"
    from ${apiKeys} k where k.key_hash = ${hashApiKey(key)} limit 1`);
  if (!row) return undefined;
  const { createdMs, revokedMs, ...stored } = row;
  return { ...stored, createdAt: new Date(createdMs), revokedAt: revokedMs == null ? null : new Date(revokedMs) };
}

/** The keys as listings show them, each with the slugs of the organizations it acts for. */
async function infosOf(db: Database, rows: (typeof apiKeys.$inferSelect)[]): Promise<ApiKeyInfo[]> {
  const slugsOf = await organizationSlugsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toInfo(row, slugsOf.get(row.id) ?? []));
}

/** The slugs of the organizations each of these keys acts for, in slug order. */
async function organizationSlugsOf(db: Database, keyIds: number[]): Promise<Map<number, string[]>> {
  const slugsOf = new Map<number, string[]>();
  if (keyIds.length === 0) return slugsOf;
  const rows = await db.drizzle
    .select({ keyId: apiKeyOrganizations.keyId, slug: organizations.slug })
    .from(apiKeyOrganizations)
    .innerJoin(organizations, eq(organizations.id, apiKeyOrganizations.organizationId))
    .where(inArray(apiKeyOrganizations.keyId, keyIds))
    .orderBy(organizations.slug);
  for (const { keyId, slug } of rows) slugsOf.set(keyId, [...(slugsOf.get(keyId) ?? []), slug]);
  return slugsOf;
}

function toInfo(row: typeof apiKeys.$inferSelect, organizationSlugs: string[]): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier as ApiKeyTier,
    role: row.role as Role,
    organizations: organizationSlugs,
    domains: row.domains as Domain[],
    prefix: row.keyPrefix,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}
