import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { ByText } from '../cache/byText.js';
import { answerJson } from './answerJson.js';
import { runProven, type ProvenQuery } from './compiledExecution.js';
import type { Context } from '../graphql/context.js';
import { tagErrors } from '../requestScope.js';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * A query text Apollo has run before, answered again without Apollo's request pipeline: the same compiled
 * function runs on the same kind of context, and the answer is built as Apollo builds it (errors
 * normalized, then formatted by the same formatError; `errors, data, extensions` in that order; JSON and a
 * newline; the content type Apollo chose for this Accept header). Apollo's per-request work around that —
 * plugin hooks at each stage, hashing the text to find its parsed document, negotiating the media type
 * twice, copying headers — cost as much CPU as running a small query (`{ __typename }`: 0.17 ms of server
 * CPU through Apollo, 0.08–0.12 ms here; a 100-figure time series 0.95–1.21 → 0.61–0.66 ms).
 *
 * Undefined when graphql-js refuses the variables: Apollo then answers, in its words.
 */
export async function answerProvenQuery(
  schema: GraphQLSchema,
  proven: ProvenQuery,
  context: Context,
  variables: Record<string, unknown>,
  contentType: string,
  formatError: FormatError,
): Promise<HTTPGraphQLResponse | undefined> {
  let result: ExecutionResult;
  try {
    const ran = await runProven(schema, proven, context, variables);
    if (!ran) return undefined;
    result = ran;
  } catch (thrown) {
    // An executor that throws: Apollo answers the error alone, with a 500 unless the error names a status.
    const head = newHead(contentType);
    const errors = formattedErrors([asGraphQLError(thrown)], context, formatError, head);
    return { status: head.status ?? 500, headers: head.headers, body: { kind: 'complete', string: answerJson({ errors }) } };
  }
  const head = newHead(contentType);
  const errors = result.errors ? formattedErrors(result.errors, context, formatError, head) : undefined;
  return {
    status: head.status,
    headers: head.headers,
    body: { kind: 'complete', string: answerJson({ errors, data: result.data, extensions: result.extensions }) },
  };
}

interface Head {
  status?: number;
  headers: HeaderMap;
}

const newHead = (contentType: string): Head => ({ headers: new HeaderMap([['content-type', contentType]]) });

/** Apollo's normalizeAndFormatErrors, after its didEncounterErrors hook (ours tags each error with its request). */
function formattedErrors(errors: readonly GraphQLError[], context: Context, formatError: FormatError, head: Head): GraphQLFormattedError[] {
  tagErrors(errors, context.scope);
  return errors.map((error) => {
    try {
      return formatError(normalized(error, head), error);
    } catch {
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
}

/** The error as JSON with a code (INTERNAL_SERVER_ERROR when it has none); a status or headers it names go to the response. */
function normalized(error: GraphQLError, head: Head): GraphQLFormattedError {
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
  const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
  if (
    http &&
    typeof http === 'object' &&
    (http.status === undefined || typeof http.status === 'number') &&
    (http.headers === undefined || http.headers instanceof Map)
  ) {
    if (http.status) head.status = http.status as number;
    for (const [name, value] of (http.headers as Map<string, string> | undefined) ?? []) head.headers.set(name, value);
    delete extensions.http;
  }
  return { ...error.toJSON(), extensions };
}

function asGraphQLError(thrown: unknown): GraphQLError {
  if (thrown instanceof GraphQLError) return thrown;
  if (thrown instanceof Error) return new GraphQLError(thrown.message, { originalError: thrown });
  return new GraphQLError(`Unexpected error value: ${String(thrown)}`);
}

// Clients send one of a handful of Accept headers; one may be as long as a request header can be, so what
// is kept is bounded by their length, the oldest out first.
const MAX_ACCEPT_BYTES = 256 * 2 ** 10; // headers and the content types chosen for them

/**
 * The content type Apollo chose for each Accept header (absent: ''), learnt from its successful answers,
 * so that a proven query is only answered directly for an Accept header Apollo has answered with a
 * result before. A header Apollo would refuse (406) is never learnt: those requests keep going to Apollo.
 */
export class ContentTypesChosen {
  private readonly byAccept = new ByText<string>(MAX_ACCEPT_BYTES, 4);

  of(accept: string | undefined): string | undefined {
    return this.byAccept.get(accept ?? '');
  }

  learn(accept: string | undefined, response: HTTPGraphQLResponse): void {
    const contentType = response.headers.get('content-type');
    if (response.body.kind !== 'complete' || (response.status ?? 200) !== 200 || !contentType || this.of(accept) !== undefined) return;
    this.byAccept.set(accept ?? '', contentType);
  }
}
