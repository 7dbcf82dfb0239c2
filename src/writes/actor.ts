import type { Identity } from '../access/identity.js';
import type { Role } from '../access/roles.js';

/** Who is writing, as the audit log and the drafts record them. */
export interface Actor {
  /** "key 12 (civil-affairs app)", "token alice@idp", "anonymous 10.0.0.1". */
  description: string;
  role: Role;
  organizationIds: readonly number[];
  domains: readonly string[];
  anonymous: boolean;
  requestId: string;
}

export function actorOf(identity: Identity, requestId: string): Actor {
  if (identity.kind === 'anonymous') {
    return { description: `anonymous ${identity.address}`, role: 'reader', organizationIds: [], domains: [], anonymous: true, requestId };
  }
  const description = identity.kind === 'apiKey' ? `key ${identity.keyId} (${identity.name})` : `token ${identity.subject}`;
  return { description, role: identity.role, organizationIds: identity.organizationIds, domains: identity.domains, anonymous: false, requestId };
}

/** The organizations (by id) and domains a record belongs to. */
export interface OwnedBy {
  organizationIds: readonly number[];
  domains: readonly string[];
}

/** Does the actor act for the record: an admin always; an editor or publisher for one of its organizations or domains. */
export function actsFor(actor: Actor, owner: OwnedBy): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role !== 'editor' && actor.role !== 'publisher') return false;
  return owner.organizationIds.some((id) => actor.organizationIds.includes(id)) || owner.domains.some((domain) => actor.domains.includes(domain));
}

export const mayPropose = (actor: Actor) => actor.role === 'editor' || actor.role === 'publisher' || actor.role === 'admin';
export const mayPublish = (actor: Actor) => actor.role === 'publisher' || actor.role === 'admin';
