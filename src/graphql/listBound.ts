import type { GraphQLField } from 'graphql';
import { Extensions } from 'type-graphql';
import { MAX_PAGE_SIZE } from './relay/pageArgs.js';

/**
 * Every list outside a connection declares the most items it returns, next to its resolver: the cost
 * estimate multiplies what is asked of each item by that bound (src/limits/operationShape.ts), so the
 * estimate stays an upper bound of what a request returns. Its resolver must not return more
 * (`atMost`). A list that declares nothing is priced as a full page.
 */
const EXTENSION = 'maxItems';

export const MaxItems = (count: number) => Extensions({ [EXTENSION]: count });

export function listBoundOf(field: GraphQLField<unknown, unknown>): number {
  const bound = field.extensions?.[EXTENSION];
  return typeof bound === 'number' ? bound : MAX_PAGE_SIZE;
}

export function declaresListBound(field: GraphQLField<unknown, unknown>): boolean {
  return typeof field.extensions?.[EXTENSION] === 'number';
}

/** A list cut to its declared bound. */
export const atMost = <T>(bound: number, items: readonly T[]): T[] => (items.length > bound ? items.slice(0, bound) : [...items]);

/** Citations of one record and figures in one conflict: a handful each in the source report. */
export const MAX_CITATIONS = 20;
export const MAX_CONFLICTING_FIGURES = 20;
