import { createApiKey, type ApiKeyAccess } from '../../src/access/apiKeys.js';
import type { Database } from '../../src/db/connection.js';

/** The roles and scopes the write tests use, a standard-tier key each, by name. */
export const WRITE_TEST_KEYS = {
  reader: { role: 'reader' },
  'elderly editor': { role: 'editor', domains: ['elderly_care'] },
  'elderly publisher': { role: 'publisher', domains: ['elderly_care'] },
  'education editor': { role: 'editor', organizations: ['dadukou-education-commission'] },
  'education publisher': { role: 'publisher', domains: ['education'] },
  admin: { role: 'admin' },
} satisfies Record<string, ApiKeyAccess>;

/** Creates a key for each name (createApiKey, as `npm run keys -- create` does); the keys by name. */
export async function createKeys(db: Database, access: Record<string, ApiKeyAccess>): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const [name, scope] of Object.entries(access)) keys[name] = (await createApiKey(db, name, 'standard', scope)).key;
  return keys;
}
