import type { IncomingHttpHeaders } from 'node:http';
import type { PublicationSettings } from '../../config.js';

/** A Host header as RFC 9110 allows it for us: a DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
const VALID_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The absolute URL this server is reached at, without a trailing slash: PUBLIC_BASE_URL when the deployment
 * states it, else http(s)://<Host> of the request. Undefined when neither gives one: a Host that is not a
 * host name would otherwise end up in links other people follow. Behind a trusted proxy, X-Forwarded-Proto
 * says whether the client came over https.
 */
export function publicBaseUrl(publication: PublicationSettings, headers: IncomingHttpHeaders, trustProxy = false): string | undefined {
  if (publication.baseUrl) return publication.baseUrl;
  const host = headers.host;
  if (typeof host !== 'string' || host.length > 260 || !VALID_HOST.test(host)) return undefined;
  const forwarded = trustProxy ? headers['x-forwarded-proto'] : undefined;
  const scheme = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase() === 'https' ? 'https' : 'http';
  return `${scheme}://${host.toLowerCase()}`;
}

export const NO_BASE_URL_MESSAGE =
  'The server cannot tell its public URL: send a Host header with a valid host name (such as data.example.gov.cn:8080), or have the operator set PUBLIC_BASE_URL.';
