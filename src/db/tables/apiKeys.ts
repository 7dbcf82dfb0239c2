import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { surrogateId } from './columns.js';

/**
 * API keys of the public endpoint. Only a SHA-256 of each key is kept: a leaked table gives no usable key.
 * Keys are random 256-bit strings, so a fast hash is enough (there is nothing to brute-force).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: surrogateId(),
    name: text('name').notNull(),
    /** Which rate-limit budget the key gets. */
    tier: text('tier').notNull(),
    /** The first characters of the key, shown in listings so an owner can tell keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [check('api_keys_tier_check', sql`${t.tier} in ('standard', 'partner')`)],
);
