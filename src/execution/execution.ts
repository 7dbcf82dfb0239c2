import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { getOperationAST, parse, validate, GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { ByText, SYNTAX_TREE_BYTES_PER_CHARACTER, type CacheSize } from '../cache/byText.js';
import { selectsAboutTheCaller } from '../graphql/aboutTheCaller.js';
import type { Context } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import type { RequestScope } from '../requestScope.js';
import { answerJson } from './answerJson.js';
import { compiledExecution, type CompiledExecution } from './compiledExecution.js';
import { DocumentHandoff } from './documentStore.js';
import { answerProvenQuery, ContentTypesChosen, type FormatError } from './provenAnswer.js';

/** An operation of a parsed document: what every later step decides on (never the text). */
export interface PreparedOperation {
  text: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  type: OperationDefinitionNode['operation'];
  /** It selects a field about the caller (its rate limit): its answer is never shared. */
  aboutTheCaller: boolean;
}

/** What a request hands to execution: its parameters, what was prepared of its text, and its context. */
export interface ExecutionRequest {
  method: 'GET' | 'POST';
  headers: IncomingHttpHeaders;
  /** The text to run (a persisted query resolved); undefined where the request named none (Apollo says so). */
  query: string | undefined;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
  prepared: PreparedOperation | undefined;
  scope: RequestScope;
  context: () => Context;
}

export interface ExecutionParts {
  schema: GraphQLSchema;
  logger: Logger;
  formatError: FormatError;
  plugins: ApolloServerPlugin<Context>[];
}

/**
 * How an operation runs, and the tricks that make it fast, behind one interface:
 *  - each text is parsed once (prepare) and each document validated once; Apollo is handed both through
 *    its document store, so it neither parses nor validates again;
 *  - graphql-jit runs what Apollo hands to its gateway executor (compiledExecution.ts);
 *  - a query Apollo has run before is answered again without Apollo's pipeline (provenAnswer.ts);
 *  - resolvers are called directly (directResolvers.ts, asserted when the schema is built).
 * Mutations go through Apollo like any first-time operation: they are never proven, never replayed.
 */
export class Execution {
  private readonly contentTypes = new ContentTypesChosen();
  private readonly parsed = new ByText<DocumentNode>(MAX_PARSED_BYTES, SYNTAX_TREE_BYTES_PER_CHARACTER);
  private readonly validity = new WeakMap<DocumentNode, boolean>();
  // A document's operations as prepared, by the name asked ('' for none): looked up, not walked, per request.
  private readonly preparedOf = new WeakMap<DocumentNode, Map<string, PreparedOperation>>();

  private constructor(
    private readonly parts: ExecutionParts,
    private readonly apollo: ApolloServer<Context>,
    private readonly compiled: CompiledExecution,
    private readonly handoff: DocumentHandoff,
  ) {}

  static async start(parts: ExecutionParts): Promise<Execution> {
    const compiled = compiledExecution(parts.schema);
    const handoff = new DocumentHandoff();
    const { logger } = parts;
    const apollo = new ApolloServer<Context>({
      gateway: compiled.gateway,
      documentStore: handoff,
      introspection: true,
      includeStacktraceInErrorResponses: false,
      // main.ts owns SIGTERM/SIGINT and stops everything in order. Apollo's own handler, racing ours, left
      // the process hanging in apollo.stop() when a signal came during requests (found under the benchmark).
      stopOnTerminationSignals: false,
      // Replaced by graphqlParams.ts, which keeps the protection for POSTs and lets plain GET queries through.
      csrfPrevention: false,
      // Persisted queries are resolved before the limits are checked (src/access/persistedQueries.ts).
      persistedQueries: false,
      formatError: parts.formatError,
      // The answer's JSON as the proven path writes it (answerJson.ts): the same bytes either way.
      stringifyResult: answerJson,
      // The cache-control plugin wraps every field's resolver to compute hints nobody here reads; the response
      // cache and Cache-Control are ours (src/cache, graphqlEndpoint.ts).
      plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ...parts.plugins],
      logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
    });
    await apollo.start();
    return new Execution(parts, apollo, compiled, handoff);
  }

  /**
   * The operation a text names, parsed once per text (`beforeParsing` runs first on a text not seen yet,
   * and may refuse it by throwing); undefined for a syntax error or a name no operation has (Apollo then
   * answers, in its words).
   */
  prepare(text: string, operationName: string | undefined, beforeParsing: (text: string) => void): PreparedOperation | undefined {
    let document = this.parsed.get(text);
    if (!document) {
      beforeParsing(text);
      try {
        document = parse(text);
      } catch (error) {
        if (error instanceof GraphQLError) return undefined;
        throw error;
      }
      this.parsed.set(text, document);
    }
    let byName = this.preparedOf.get(document);
    let prepared = byName?.get(operationName ?? '');
    if (prepared) return prepared;
    const operation = getOperationAST(document, operationName);
    if (!operation) return undefined;
    prepared = { text, document, operation, type: operation.operation, aboutTheCaller: selectsAboutTheCaller(this.parts.schema, document, operation) };
    // Kept only for a name the document has: as many entries as it has operations, whatever names are sent.
    if (!byName) this.preparedOf.set(document, (byName = new Map()));
    byName.set(operationName ?? '', prepared);
    return prepared;
  }

  /** Runs the request: a proven query without Apollo, anything else through Apollo (handed the document already validated). */
  async run(request: ExecutionRequest): Promise<HTTPGraphQLResponse> {
    const { query, prepared, scope } = request;
    const proven = query === undefined ? undefined : this.compiled.proven(query, request.operationName);
    const contentType = proven && this.contentTypes.of(request.headers.accept);
    if (proven && contentType) {
      const answer = await answerProvenQuery(this.parts.schema, proven, request.context(), request.variables ?? {}, contentType, this.parts.formatError);
      if (answer) {
        scope.ranBy = 'proven';
        return answer;
      }
    }
    scope.ranBy = 'apollo';
    const handedOver = prepared && this.isValid(prepared.document) ? this.handoff.hold(apolloKeyOf(prepared.text), prepared.document) : undefined;
    try {
      const answer = await this.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: apolloRequest(request), context: async () => request.context() });
      this.contentTypes.learn(request.headers.accept, answer);
      return answer;
    } finally {
      handedOver?.release();
    }
  }

  /** What the caches hold, in bytes (exposed by /healthz). */
  sizes(): { parsedDocuments: CacheSize; compiledQueries: CacheSize; documentsHandedToApollo: number } {
    return { parsedDocuments: this.parsed.size, compiledQueries: this.compiled.size(), documentsHandedToApollo: this.handoff.size };
  }

  stop(): Promise<void> {
    return this.apollo.stop();
  }

  /** Validated once per document, with the rules Apollo applies (graphql-js's specified rules). */
  private isValid(document: DocumentNode): boolean {
    let valid = this.validity.get(document);
    if (valid === undefined) this.validity.set(document, (valid = validate(this.parts.schema, document).length === 0));
    return valid;
  }
}

// Parsed documents by text: a syntax tree holds ~SYNTAX_TREE_BYTES_PER_CHARACTER bytes per character.
const MAX_PARSED_BYTES = 8 * 2 ** 20;

/** The hash Apollo keys its document store with: SHA-256 of the text, in hex (its computeQueryHash). */
function apolloKeyOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The request Apollo sees: the resolved query text in place of a persisted query hash (Apollo's own APQ is off). */
function apolloRequest(request: ExecutionRequest): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const { persistedQuery: _resolved, ...extensions } = request.extensions ?? {};
  const fields = Object.fromEntries(
    Object.entries({
      query: request.query,
      operationName: request.operationName,
      variables: request.variables,
      extensions: Object.keys(extensions).length ? extensions : undefined,
    }).filter(([, value]) => value !== undefined),
  );
  if (request.method === 'POST') return { method: 'POST', headers, search: '', body: fields };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return { method: 'GET', headers, search: search.toString(), body: undefined };
}
