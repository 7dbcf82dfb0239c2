import { sql } from 'drizzle-orm';
import type { KindsByName } from '../db/records/lookups.js';
import { organizationKind, type AnySeedKind } from '../db/seed/kind.js';
import type { Transaction } from '../db/write.js';
import { actsFor, type Actor, type OwnedBy } from './actor.js';
import { ownerOf, together } from './recordOwner.js';

/**
 * Whether the actor may write these records (a record before and after a change): it must act for every one;
 * together they own the draft. The same for a single mutation and for each record of a bulk import.
 */
export async function scopeOf(
  tx: Transaction,
  kinds: KindsByName,
  actor: Actor,
  kind: AnySeedKind,
  records: unknown[],
): Promise<{ refused: string } | { owner: OwnedBy }> {
  const owners: OwnedBy[] = [];
  for (const record of records) owners.push(await ownerOf(tx, kinds, kind, record));
  const foreign = owners.find((owner) => !actsFor(actor, owner));
  return foreign ? { refused: await scopeRefusal(tx, kinds, kind, foreign) } : { owner: together(owners) };
}

/** Who owns a draft and who wrote it, as the drafts table keeps them. */
export function draftOwner(actor: Actor, owner: OwnedBy) {
  return {
    organizationIds: [...owner.organizationIds],
    domains: [...owner.domains],
    author: actor.description,
    authorOrganizationIds: [...actor.organizationIds],
  };
}

/** Names the scope the caller lacks: the record's organizations and domains. */
async function scopeRefusal(tx: Transaction, kinds: KindsByName, kind: AnySeedKind, owner: OwnedBy): Promise<string> {
  if (owner.organizationIds.length === 0 && owner.domains.length === 0)
    return `${kind.noun} records belong to no organization or domain: only admins may change them.`;
  const organizations = kinds.get(organizationKind)!;
  const slugs = owner.organizationIds.length
    ? ((await tx
        .select({ slug: sql<string>`${organizations.keyColumn}` })
        .from(organizations.table as never)
        .where(sql`"id" = any(${sql.param([...owner.organizationIds])}::int[])`)) as { slug: string }[])
    : [];
  const parts = [
    ...(slugs.length ? [`organization ${slugs.map((row) => row.slug).join(', ')}`] : []),
    ...(owner.domains.length ? [`domain ${owner.domains.map((domain) => domain.toUpperCase()).join(', ')}`] : []),
  ];
  return `This ${kind.noun} belongs to ${parts.join(' and ')}, and you act for none of them: a key or token acting for one of them (or an admin) may.`;
}
