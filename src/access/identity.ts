import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Database } from '../db/connection.js';
import type { Domain } from '../db/vocabulary.js';
import { findApiKey, looksLikeApiKey, type ApiKeyTier } from './apiKeys.js';
import { KeyRefused } from './keyRefused.js';
import type { Role } from './roles.js';
import { looksLikeJwt, type TokenVerifier } from './tokens.js';

export { IdentityProviderUnavailable, KeyRefused, type RefusalReason } from './keyRefused.js';

/** What an authenticated caller is and may do: its role, and the organizations (by id) and domains it acts for. */
export interface Principal {
  name: string;
  /** The rate-limit budget it spends. */
  tier: ApiKeyTier;
  role: Role;
  organizationIds: readonly number[];
  domains: readonly Domain[];
}

/**
 * Who is asking: an anonymous client known by its address (a reader acting for no one), the holder of an
 * API key, or the subject of a token from the identity provider.
 */
export type Identity =
  { kind: 'anonymous'; address: string } | ({ kind: 'apiKey'; keyId: number } & Principal) | ({ kind: 'jwt'; subject: string } & Principal);

/** One name per caller: its address, its key, or its token's subject (whichever of its tokens it presents). */
export function callerKeyOf(identity: Identity): string {
  if (identity.kind === 'anonymous') return `ip:${identity.address}`;
  return identity.kind === 'apiKey' ? `key:${identity.keyId}` : `jwt:${identity.subject}`;
}

const HOW_TO_SEND =
  'Send a key as `Authorization: Bearer <key>` or `x-api-key: <key>`, a token from the identity provider as `Authorization: Bearer <token>`, or send none to use the anonymous budget.';

/** The key a request presents, if any; a header that is there but not a key is refused, not ignored. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  const headerKey = headers['x-api-key'];
  let fromAuthorization: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) throw new KeyRefused(`The Authorization header is not \`Bearer <key>\`. ${HOW_TO_SEND}`, 'malformed');
    fromAuthorization = match[1];
  }
  const fromHeader = typeof headerKey === 'string' ? headerKey.trim() : headerKey?.join(',');
  if (fromAuthorization !== undefined && fromHeader !== undefined && fromAuthorization !== fromHeader) {
    throw new KeyRefused(`Authorization and x-api-key name two different keys. Send one. ${HOW_TO_SEND}`, 'malformed');
  }
  return fromAuthorization ?? fromHeader;
}

/**
 * The client's address as budgets know it; behind a trusted proxy, the address the proxy saw (the last
 * X-Forwarded-For hop). A hop that is not an address falls back to the socket's: every distinct string
 * would otherwise be a budget of its own.
 */
export function clientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustProxy: boolean): string {
  const forwarded = trustProxy ? headers['x-forwarded-for'] : undefined;
  const lastHop = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').at(-1)?.trim();
  return budgetAddress(lastHop) ?? budgetAddress(socketAddress) ?? 'unknown';
}

/**
 * One spelling per budget: IPv4 as dotted quads (IPv4-mapped IPv6 included), IPv6 as its /64 (one host
 * owns a whole /64, so budgeting single addresses would let every client rotate them) in lowercase
 * without leading zeros. Undefined when the text is not an IP address.
 */
function budgetAddress(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const version = isIP(text);
  if (version === 4) return text;
  if (version !== 6) return undefined;
  const groups = ipv6Groups(text);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an address isIP() calls IPv6 (zone id dropped, a dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

/**
 * Counts the unknown and revoked keys each address presents, since each costs a lookup (RateLimiter).
 * Past the limit, keys from that address are refused before any lookup until its window ends.
 */
export interface FailedKeyGuard {
  /** Throws RateLimitExceeded (a 429) when the address has no failed lookups left in this window. */
  beforeKeyLookup(address: string): Promise<void>;
  /** Counts one failed lookup: how many the address has left, and when its window ends. */
  keyLookupFailed(address: string): Promise<{ left: number; resetAt: Date }>;
}

/**
 * Resolves the request's identity; a key that is malformed, unknown or revoked, or a token that does not
 * verify, is refused.
 */
async function identify(
  db: Database,
  headers: IncomingHttpHeaders,
  socketAddress: string | undefined,
  trustProxy: boolean,
  failedKeys: FailedKeyGuard,
  tokens: TokenVerifier,
): Promise<Identity> {
  const key = presentedKey(headers);
  const address = clientAddress(headers, socketAddress, trustProxy);
  if (key === undefined) return { kind: 'anonymous', address };
  if (looksLikeJwt(key)) {
    // A token's signature is checked without the database: a forged one costs no lookup, so it is not counted as a failed key.
    const principal = await tokens.verify(db, key);
    return { kind: 'jwt', ...principal, tier: 'standard' };
  }
  if (!looksLikeApiKey(key)) {
    throw new KeyRefused(
      `This is neither a Minsheng API key nor a JWT: keys are \`ms_\` followed by 43 letters, digits, \`-\` or \`_\`; a JWT is three base64url parts joined by dots. Check that it was copied whole. ${HOW_TO_SEND}`,
      'malformed',
    );
  }
  await failedKeys.beforeKeyLookup(address);
  const stored = await findApiKey(db, key);
  const refused = async (message: string, reason: 'unknown' | 'revoked') => {
    const budget = await failedKeys.keyLookupFailed(address);
    return new KeyRefused(`${message} ${describeFailuresLeft(budget)}`, reason);
  };
  if (!stored)
    throw await refused(`No API key matches the one sent (${key.slice(0, 10)}…). Check it, or create one with \`npm run keys -- create\`.`, 'unknown');
  if (stored.revokedAt) {
    throw await refused(
      `The API key ${stored.prefix}… ("${stored.name}") was revoked on ${stored.revokedAt.toISOString()}. Use another key, or none for the anonymous budget.`,
      'revoked',
    );
  }
  const { id, name, tier, role, organizationIds, domains } = stored;
  return { kind: 'apiKey', keyId: id, name, tier, role, organizationIds, domains };
}

function describeFailuresLeft({ left, resetAt }: { left: number; resetAt: Date }): string {
  const until = resetAt.toISOString();
  if (left === 0) return `Requests with a key from your address are now refused (429) until ${until}: it presented too many unknown or revoked keys.`;
  return `Your address may present ${left} more unknown or revoked key${left === 1 ? '' : 's'} until ${until}; after that, requests from it with a key are refused (429) until then.`;
}

/** Who sent a request, asked of the database given (a request's own, which counts its statements, or the shared one). */
export type RequestIdentifier = (db: Database, request: IncomingMessage) => Promise<Identity>;

/** How every route of one server tells who is asking: one key lookup path and one token verifier for all. */
export function requestIdentifier(trustProxy: boolean, failedKeys: FailedKeyGuard, tokens: TokenVerifier): RequestIdentifier {
  return (db, request) => identify(db, request.headers, request.socket.remoteAddress, trustProxy, failedKeys, tokens);
}
