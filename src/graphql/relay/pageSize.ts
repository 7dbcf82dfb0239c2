import { badUserInput } from '../errors.js';

// Free of decorators: the command-line tools (npm run audit) check page sizes without type-graphql's metadata.

/** A list's page size: its default and limit, the limit as errors name it, and how a client reads past one page. */
export interface PageLimit {
  /** The size when none is asked for. */
  fallback: number;
  most: number;
  /** "the page size limit", "the audit log's page size limit". */
  named: string;
  /** "follow `pageInfo` cursors". */
  readOn: string;
}

/** A page size argument within its list's limit (its default when not given), refused in one wording for every list. */
export function checkedPageSize(name: 'first' | 'last', value: number | null | undefined, limit: PageLimit): number {
  if (value == null) return limit.fallback;
  const { most } = limit;
  if (!Number.isSafeInteger(value) || value < 0) throw badUserInput(`\`${name}\` must be a whole number from 0 to ${most}; got ${value}.`, { argument: name });
  if (value > most) {
    throw badUserInput(`\`${name}: ${value}\` is over ${limit.named} of ${most}. Ask for at most ${most} and ${limit.readOn} for more.`, {
      argument: name,
      limit: most,
    });
  }
  return value;
}
