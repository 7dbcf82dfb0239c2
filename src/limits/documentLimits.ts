import { GraphQLError, Kind, Lexer, Source, TokenKind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { EndpointSettings } from '../config.js';
import type { PreparedOperation } from '../execution/execution.js';
import { MAX_PAGE_SIZE } from '../graphql/relay/pageArgs.js';
import { measureOperation, type OperationShape } from './operationShape.js';
import { MAX_EXPANDED_SELECTIONS, overlappingFieldPairs, unusedFragments, type OverlapCount } from './validationWork.js';

export type Limits = EndpointSettings['limits'];

/**
 * A limit a document went over, found before anything ran. `extensions` name the limit and the measured
 * value, and the message says what to change.
 */
export class LimitExceeded extends Error {
  constructor(
    message: string,
    readonly extensions: { code: string; limit?: number; actual?: number; argument?: string },
  ) {
    super(message);
  }
}

/** What the checks learnt: the measured operation, or nothing when the document is for Apollo to refuse (syntax, no such operation). */
export interface CheckedDocument {
  shape?: OperationShape;
  operationType?: 'query' | 'mutation' | 'subscription';
}

const count = (n: number) => n.toLocaleString('en-US');

/** The most values one list argument may hold (e.g. slugs in a filter): each is matched, and priced. */
export const MAX_LIST_VALUES = 1_000;
/** How deep variables' JSON may nest: filters combine with and/or/not a few levels, not thousands. */
export const MAX_VARIABLES_DEPTH = 32;
/**
 * Pairs of same-named fields validation must compare (GraphQL's "fields can merge" rule is quadratic in
 * them): a selection repeated hundreds of times in a few kilobytes would hold the event loop for seconds.
 */
export const MAX_OVERLAPPING_FIELD_PAIRS = 2_000;

/** Refuses a document over the size limit: checked on every request, before anything else reads the text. */
export function checkDocumentSize(text: string, limits: Limits): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxDocumentBytes) {
    throw new LimitExceeded(`The query document is ${count(bytes)} bytes; the limit is ${count(limits.maxDocumentBytes)}. Split it into several requests.`, {
      code: 'DOCUMENT_TOO_LARGE',
      limit: limits.maxDocumentBytes,
      actual: bytes,
    });
  }
}

/** Refuses a text nested deeper than the parser should be given (checked once per new text, before it is parsed). */
export function checkNestingBeforeParsing(text: string, limits: Limits): void {
  const nesting = bracketNesting(text, limits.maxDepth * 2 + 32);
  if (nesting?.exceeded) throw tooDeep(nesting.depth, limits.maxDepth, true);
}

/**
 * Checks a parsed operation against the limits without running it: nesting, aliases, root fields, page
 * sizes and estimated cost, in that order. Nothing to check where the text does not parse or names no
 * operation: Apollo reports those as usual.
 */
export function checkDocument(
  schema: GraphQLSchema,
  prepared: PreparedOperation | undefined,
  variables: Record<string, unknown> | undefined,
  limits: Limits,
): CheckedDocument {
  if (!prepared) return {};
  const { document, operation } = prepared;
  if (!schema.getRootType(operation.operation)) {
    // graphql-js 16 lets such a document through validation and fails it in execution, as a server error.
    throw new LimitExceeded(`This API does not support ${operation.operation}s: send a query.`, { code: 'GRAPHQL_VALIDATION_FAILED' });
  }
  checkVariablesNesting(variables ?? {});
  // Validation reads the whole document, not only the operation that runs: what it reads is limited and priced.
  const { unused, overlap } = validationWorkOf(document);
  if (unused.length) {
    throw new LimitExceeded(
      `${unused
        .slice(0, 5)
        .map((name) => `Fragment "${name}"`)
        .join(
          ', ',
        )}${unused.length > 5 ? ` and ${count(unused.length - 5)} more` : ''} ${unused.length > 1 ? 'are' : 'is'} never used. Remove unused fragments from the document.`,
      { code: 'GRAPHQL_VALIDATION_FAILED' },
    );
  }
  const shape = measureOperation(schema, document, operation, variables);
  const others = otherOperations(document, operation).map((other) => measureOperation(schema, document, other, variables));
  for (const other of others) {
    shape.depth = Math.max(shape.depth, other.depth);
    shape.aliases += other.aliases;
    shape.cost += other.cost;
  }
  if (shape.depth > limits.maxDepth) throw tooDeep(shape.depth, limits.maxDepth);
  if (shape.aliases > limits.maxAliases) {
    throw new LimitExceeded(
      `The query uses ${count(shape.aliases)} aliases; the limit is ${count(limits.maxAliases)}. Fetch many items with a list field or nodes(ids:) rather than one alias each.`,
      { code: 'TOO_MANY_ALIASES', limit: limits.maxAliases, actual: shape.aliases },
    );
  }
  if (shape.rootFields > limits.maxRootFields) {
    throw new LimitExceeded(
      `The query asks for ${count(shape.rootFields)} root fields; the limit is ${limits.maxRootFields}. Split it into several requests.`,
      { code: 'TOO_MANY_ROOT_FIELDS', limit: limits.maxRootFields, actual: shape.rootFields },
    );
  }
  if (overlap.selections > MAX_EXPANDED_SELECTIONS) {
    throw new LimitExceeded(
      `With its fragments expanded, the document holds more than ${count(MAX_EXPANDED_SELECTIONS)} selections. Spread fewer fragments inside each other, or split the query.`,
      { code: 'DOCUMENT_TOO_COMPLEX', limit: MAX_EXPANDED_SELECTIONS, actual: overlap.selections },
    );
  }
  if (overlap.pairs > MAX_OVERLAPPING_FIELD_PAIRS) {
    throw new LimitExceeded(
      `The document selects the same fields over and over (more than ${count(MAX_OVERLAPPING_FIELD_PAIRS)} pairs of same-named fields to compare). Select each field once per object.`,
      { code: 'TOO_MANY_REPEATED_FIELDS', limit: MAX_OVERLAPPING_FIELD_PAIRS, actual: overlap.pairs },
    );
  }
  const oversizedPages = shape.pageSizes.filter((use) => use.value > MAX_PAGE_SIZE);
  const oversized = oversizedPages[0];
  if (oversized) {
    // Same words as the resolvers' own check (src/graphql/relay/pageArgs.ts), said before any SQL runs; every
    // page over the limit is named, so one answer says all there is to change.
    const named = oversizedPages.map((use) => `\`${use.argument}: ${use.value}\``);
    const subject = named.length === 1 ? `${named[0]} is` : `${named.slice(0, -1).join(', ')} and ${named.at(-1)} are`;
    throw new LimitExceeded(
      `${subject} over the page size limit of ${MAX_PAGE_SIZE}. Ask for at most ${MAX_PAGE_SIZE} and follow \`pageInfo\` cursors for more.`,
      { code: 'BAD_USER_INPUT', argument: oversized.argument, limit: MAX_PAGE_SIZE, actual: oversized.value },
    );
  }
  const longest = shape.longestInputList;
  if (longest && longest.length > MAX_LIST_VALUES) {
    throw new LimitExceeded(
      `\`${longest.argument}\` holds ${count(longest.length)} values; the limit is ${count(MAX_LIST_VALUES)} per list. Split the list over several requests.`,
      { code: 'BAD_USER_INPUT', argument: longest.argument, limit: MAX_LIST_VALUES, actual: longest.length },
    );
  }
  if (shape.cost > limits.maxQueryCost) {
    const cost = Number.isFinite(shape.cost) && shape.cost < Number.MAX_SAFE_INTEGER ? shape.cost : Number.MAX_SAFE_INTEGER;
    throw new LimitExceeded(
      `The query's estimated cost is ${count(cost)} points; the limit is ${count(limits.maxQueryCost)} per request. ` +
        'Each object field costs 1, times the page size (`first`/`last`, default 20) of every connection or the bound of every list around it, and each value in a list argument costs 1: ask for smaller pages or fewer nested connections and lists.',
      { code: 'QUERY_TOO_COSTLY', limit: limits.maxQueryCost, actual: cost },
    );
  }
  return { shape, operationType: operation.operation };
}

/** What validation would read depends on the document alone: counted once per parsed document, not per request. */
const validationWork = new WeakMap<DocumentNode, { unused: string[]; overlap: OverlapCount }>();

function validationWorkOf(document: DocumentNode): { unused: string[]; overlap: OverlapCount } {
  let work = validationWork.get(document);
  if (!work)
    validationWork.set(document, (work = { unused: unusedFragments(document), overlap: overlappingFieldPairs(document, MAX_OVERLAPPING_FIELD_PAIRS) }));
  return work;
}

/** The document's operations other than the one that runs: validated all the same, so priced all the same. */
function otherOperations(document: DocumentNode, operation: OperationDefinitionNode): OperationDefinitionNode[] {
  return document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION && definition !== operation,
  );
}

/** Refuses variables nested deeper than MAX_VARIABLES_DEPTH (walked without recursion, so any depth is safe to look at). */
function checkVariablesNesting(variables: Record<string, unknown>): void {
  const stack: [unknown, number][] = [[variables, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_VARIABLES_DEPTH) {
      throw new LimitExceeded(`The variables nest more than ${MAX_VARIABLES_DEPTH} levels deep. Flatten the filter (and/or take lists of conditions).`, {
        code: 'VARIABLES_TOO_DEEP',
        limit: MAX_VARIABLES_DEPTH,
        actual: depth,
      });
    }
    for (const item of Array.isArray(value) ? value : Object.values(value)) if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
  }
}

function tooDeep(depth: number, limit: number, atLeast = false): LimitExceeded {
  return new LimitExceeded(
    `The query nests ${atLeast ? 'more than ' : ''}${count(atLeast ? depth - 1 : depth)} levels deep; the limit is ${limit}. Ask for fewer nested levels, and fetch deeper data in a second request (node(id:) takes any ID).`,
    { code: 'QUERY_TOO_DEEP', limit, actual: depth },
  );
}

/** The deepest nesting of {, ( and [ (strings and comments skipped), stopping once over `bound`; undefined on a lexical error. */
function bracketNesting(text: string, bound: number): { depth: number; exceeded: boolean } | undefined {
  const lexer = new Lexer(new Source(text));
  let depth = 0;
  let deepest = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.PAREN_L || token.kind === TokenKind.BRACKET_L) {
        deepest = Math.max(deepest, ++depth);
        if (deepest > bound) return { depth: deepest, exceeded: true };
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.PAREN_R || token.kind === TokenKind.BRACKET_R) depth -= 1;
    }
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  return { depth: deepest, exceeded: false };
}
