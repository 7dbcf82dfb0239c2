import { ArgsType, Field, Int } from 'type-graphql';
import { badUserInput } from '../errors.js';
import { checkedPageSize, type PageLimit } from './pageSize.js';

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

const LIST_PAGES: PageLimit = { fallback: DEFAULT_PAGE_SIZE, most: MAX_PAGE_SIZE, named: 'the page size limit', readOn: 'follow `pageInfo` cursors' };

export function toPageRequest(args: Partial<PageArgs>): PageRequest {
  const { first, after, last, before } = args;
  const forward = first != null || after != null;
  const backward = last != null || before != null;
  if (forward && backward) {
    throw badUserInput('Page with `first`/`after` or with `last`/`before`, not both in one request.', {
      argument: first != null || after != null ? 'first' : 'last',
    });
  }
  if (backward) return { size: checkedPageSize('last', last, LIST_PAGES), backward: true, cursor: before ?? null };
  return { size: checkedPageSize('first', first, LIST_PAGES), backward: false, cursor: after ?? null };
}
