import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { domains } from '../vocabulary.js';
import { surrogateId } from './columns.js';
import { organizations } from './places.js';

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
    /** What the key may do (src/access/roles.ts); keys made before roles existed read only. */
    role: text('role').notNull().default('reader'),
    /** The domains the key acts for (values of the Domain vocabulary); its organizations are in api_key_organizations. */
    domains: text('domains')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The first characters of the key, shown in listings so an owner can tell keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    check('api_keys_tier_check', sql`${t.tier} in ('standard', 'partner')`),
    check('api_keys_role_check', sql`${t.role} in ('reader', 'editor', 'publisher', 'admin')`),
    check(
      'api_keys_domains_check',
      sql`${t.domains} <@ array[${sql.raw(
        Object.keys(domains)
          .map((domain) => `'${domain}'`)
          .join(', '),
      )}]::text[]`,
    ),
  ],
);

/**
 * The organizations a key acts for. A row per organization by its id, not its slug: a slug may be renamed,
 * an id never changes nor is reused (records are retired, not deleted), and the foreign key lets PostgreSQL
 * guarantee that every organization a key names exists. An array column could promise neither.
 */
export const apiKeyOrganizations = pgTable(
  'api_key_organizations',
  {
    keyId: integer('key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.organizationId] }), index('api_key_organizations_organization_id_idx').on(t.organizationId)],
);
