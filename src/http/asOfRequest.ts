import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './httpErrors.js';
import { versionInHeader } from './versionHeader.js';

/** A past data version to read at, for clients that cannot change the query text (it may say `@asOf` too). */
export const AS_OF_HEADER = 'minsheng-as-of';

/**
 * The data version a read asks to be made at: the operation's `@asOf(version:)` or the Minsheng-As-Of
 * header (both may be sent if they agree), or undefined for the current data. A past read shows published
 * data only, so it cannot be asked with drafts.
 */
export function pastVersionOf(headers: IncomingHttpHeaders, directive: number | undefined, withDrafts: boolean): number | undefined {
  const header = versionInHeader(headers[AS_OF_HEADER], AS_OF_HEADER, 'BAD_USER_INPUT');
  if (header !== undefined && directive !== undefined && header !== directive) {
    throw new HttpError(400, `The ${AS_OF_HEADER} header (${header}) and the operation's @asOf (${directive}) name different versions; send one.`, {
      code: 'BAD_USER_INPUT',
    });
  }
  const version = directive ?? header;
  if (version !== undefined && withDrafts) {
    throw new HttpError(400, 'A read at a past data version shows what was published then; it cannot include drafts. Drop @asOf or @includeDrafts.', {
      code: 'BAD_USER_INPUT',
    });
  }
  return version;
}
