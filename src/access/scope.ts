import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { organizations } from '../db/tables/index.js';
import { domainNamed, domainNames } from './roles.js';
import type { Domain } from '../db/vocabulary.js';

/** The live organizations these slugs name, by id; and the slugs that name none (unknown, or retired). */
export async function organizationIdsOf(db: Database, slugs: readonly string[]): Promise<{ ids: number[]; unknown: string[] }> {
  const wanted = [...new Set(slugs)];
  if (wanted.length === 0) return { ids: [], unknown: [] };
  const rows = await db.rows<{ id: number; slug: string }>(sql`
    select ${organizations.id} as "id", ${organizations.slug} as "slug" from ${organizations}
    where ${organizations.retiredAt} is null and ${organizations.slug} = any(${sql.param(wanted)}::text[])`);
  const found = new Map(rows.map((row) => [row.slug, row.id]));
  return { ids: wanted.flatMap((slug) => found.get(slug) ?? []), unknown: wanted.filter((slug) => !found.has(slug)) };
}

/** The domains these names are (either spelling); throws naming those that are none. */
export function domainsNamed(names: readonly string[], refuse: (message: string) => Error): Domain[] {
  const unknown = names.filter((name) => domainNamed(name) === undefined);
  if (unknown.length > 0) {
    throw refuse(
      `${unknown.map((name) => JSON.stringify(name)).join(', ')} ${unknown.length === 1 ? 'is not a domain' : 'are not domains'}: use ${domainNames()}.`,
    );
  }
  return [...new Set(names.map((name) => domainNamed(name)!))];
}
