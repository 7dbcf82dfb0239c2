import { ArgsType, Field, Int } from 'type-graphql';
import { badUserInput } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Forward pagination only (nested lists of the contract). */
@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `How many items from the start (or after \`after\`): 0 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor` or edge `cursor`).' })
  after?: string | null;
}

/** Forward and backward pagination (root lists). */
@ArgsType()
export class PageArgs extends ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `How many items from the end (or before \`before\`): 0 to ${MAX_PAGE_SIZE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items before this cursor (a `startCursor` or edge `cursor`).' })
  before?: string | null;
}

/** A validated page request: which way to read, how many, and from which cursor. */
export interface PageRequest {
  size: number;
  backward: boolean;
  cursor: string | null;
}

/** A list's page size limit, as its errors name it, and how a client reads past one page. */
export interface PageLimit {
  most: number;
  /** "the page size limit", "the audit log's page size limit". */
  named: string;
  /** "follow `pageInfo` cursors". */
  readOn: string;
}

const LIST_PAGES: PageLimit = { most: MAX_PAGE_SIZE, named: 'the page size limit', readOn: 'follow `pageInfo` cursors' };

/** A page size argument within its list's limit, refused in one wording for every list. */
export function checkedPageSize(name: 'first' | 'last', value: number, limit: PageLimit = LIST_PAGES): number {
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

export function toPageRequest(args: Partial<PageArgs>): PageRequest {
  const { first, after, last, before } = args;
  const forward = first != null || after != null;
  const backward = last != null || before != null;
  if (forward && backward) {
    throw badUserInput('Page with `first`/`after` or with `last`/`before`, not both in one request.', {
      argument: first != null || after != null ? 'first' : 'last',
    });
  }
  if (backward) return { size: last == null ? DEFAULT_PAGE_SIZE : checkedPageSize('last', last), backward: true, cursor: before ?? null };
  return { size: first == null ? DEFAULT_PAGE_SIZE : checkedPageSize('first', first), backward: false, cursor: after ?? null };
}
