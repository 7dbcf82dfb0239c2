import { liveIds, withPublished, type KindsByName } from '../db/records/lookups.js';
import { organizationKind, type AnySeedKind } from '../db/seed/kind.js';
import type { Transaction } from '../db/write.js';
import type { OwnedBy } from './actor.js';

/** The organizations and domains a record belongs to. */
export async function ownerOf(tx: Transaction, kinds: KindsByName, kind: AnySeedKind, record: unknown): Promise<OwnedBy> {
  if (!kind.scope) return { organizationIds: [], domains: [] };
  const scopes = await withPublished(tx, kinds, (dataset) => [kind.scope!(record, dataset)]);
  const present = <T>(values: (T | null | undefined)[]) => [...new Set(values.filter((value): value is T => value != null))];
  const slugs = present(scopes.flatMap((scope) => scope.organizations));
  const ids = await liveIds(tx, kinds, organizationKind, slugs);
  return { organizationIds: [...ids.values()], domains: present(scopes.flatMap((scope) => scope.domains)) };
}

/** The organizations and domains of several owners together: who may see a draft of a record that changes owner. */
export function together(owners: OwnedBy[]): OwnedBy {
  return {
    organizationIds: [...new Set(owners.flatMap((owner) => owner.organizationIds))],
    domains: [...new Set(owners.flatMap((owner) => owner.domains))],
  };
}
