import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db/connection.js';
import { findApiKey, looksLikeApiKey, type ApiKeyTier } from './apiKeys.js';

/** Who is asking: an anonymous client known by its address, or the holder of an API key. */
export type Identity =
  | { kind: 'anonymous'; address: string }
  | { kind: 'apiKey'; keyId: number; name: string; tier: ApiKeyTier };

/** Why a presented key was refused; the message tells the client what to do. */
export class KeyRefused extends Error {
  constructor(message: string, readonly reason: 'malformed' | 'unknown' | 'revoked') {
    super(message);
  }
}

const HOW_TO_SEND = 'Send a key as `Authorization: Bearer <key>` or `x-api-key: <key>`, or send none to use the anonymous budget.';

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

/** The client's address; behind a trusted proxy, the address the proxy saw (the last X-Forwarded-For hop). */
export function clientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustProxy: boolean): string {
  const forwarded = trustProxy ? headers['x-forwarded-for'] : undefined;
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  const address = (hops.at(-1) ?? socketAddress ?? 'unknown').replace(/^::ffff:/, '');
  // One IPv6 host owns a whole /64: budget the network, or every client could rotate addresses.
  if (address.includes(':')) return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
  return address;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = address.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array.from({ length: Math.max(missing, 0) }, () => '0'), ...right].map((part) => part.toLowerCase() || '0');
}

/** Resolves the request's identity; a key that is malformed, unknown or revoked is refused. */
export async function identify(db: Database, headers: IncomingHttpHeaders, socketAddress: string | undefined, trustProxy: boolean): Promise<Identity> {
  const key = presentedKey(headers);
  if (key === undefined) return { kind: 'anonymous', address: clientAddress(headers, socketAddress, trustProxy) };
  if (!looksLikeApiKey(key)) {
    throw new KeyRefused(`This is not a Minsheng API key: keys are \`ms_\` followed by 43 letters, digits, \`-\` or \`_\`. Check that it was copied whole. ${HOW_TO_SEND}`, 'malformed');
  }
  const stored = await findApiKey(db, key);
  if (!stored) throw new KeyRefused(`No API key matches the one sent (${key.slice(0, 10)}…). Check it, or create one with \`npm run keys -- create\`.`, 'unknown');
  if (stored.revokedAt) {
    throw new KeyRefused(`The API key ${stored.prefix}… ("${stored.name}") was revoked on ${stored.revokedAt.toISOString()}. Use another key, or none for the anonymous budget.`, 'revoked');
  }
  return { kind: 'apiKey', keyId: stored.id, name: stored.name, tier: stored.tier };
}
