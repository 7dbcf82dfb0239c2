import { liveIds, withPublished, type KindsByName } from '../db/records/lookups.js';
import { organizationKind, type AnySeedKind } from '../db/seed/kind.js';
import type { Transaction } from '../db/write.js';
import type { OwnedBy } from './actor.js';

/** The organizations and domains the records belong to, together (an update's record before and after). */
export async function ownerOf(tx: Transaction, kinds: KindsByName, kind: AnySeedKind, records: unknown[]): Promise<OwnedBy> {
  if (!kind.scope) return { organizationIds: [], domains: [] };
  const scopes = await withPublished(tx, kinds, (dataset) => records.map((record) => kind.scope!(record, dataset)));
  const present = <T>(values: (T | null | undefined)[]) => [...new Set(values.filter((value): value is T => value != null))];
  const slugs = present(scopes.flatMap((scope) => scope.organizations));
  const ids = await liveIds(tx, kinds, organizationKind, slugs);
  return { organizationIds: [...ids.values()], domains: present(scopes.flatMap((scope) => scope.domains)) };
}
