import { badUserInput } from '../errors.js';
import { fromOpaque, toOpaque } from '../opaqueText.js';

/**
 * Opaque keyset cursors: the sort key values of a row (as text) and the name of the ordering they belong
 * to, so a cursor from one ordering is refused by another instead of silently skipping rows.
 */
export function encodeCursor(ordering: string, values: (string | null)[]): string {
  return toOpaque(JSON.stringify([ordering, ...values]));
}

export function decodeCursor(cursor: string, ordering: string, keyCount: number): (string | null)[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(fromOpaque(cursor));
  } catch {
    decoded = undefined;
  }
  const valid =
    Array.isArray(decoded) &&
    decoded.length === keyCount + 1 &&
    typeof decoded[0] === 'string' &&
    decoded.slice(1).every((v) => v === null || typeof v === 'string');
  if (!valid)
    throw badUserInput(`"${cursor}" is not a cursor of this list. Pass a \`cursor\`, \`startCursor\` or \`endCursor\` this list returned.`, {
      argument: 'cursor',
    });
  const [madeFor, ...values] = decoded as [string, ...(string | null)[]];
  if (madeFor !== ordering) {
    throw badUserInput(`This cursor was made for another ordering (${madeFor}); this list is ordered by ${ordering}. Keep the same \`orderBy\` while paging.`, {
      argument: 'cursor',
    });
  }
  return values;
}
