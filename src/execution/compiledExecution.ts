import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  getVariableValues,
  GraphQLError,
  GraphQLScalarType,
  GraphQLSchema,
  Kind,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { ByText, type CacheSize } from '../cache/byText.js';
import type { Context } from '../graphql/context.js';

/**
 * Runs operations with graphql-jit instead of graphql-js's interpreter: each document is compiled once
 * into a JavaScript function that walks exactly its selection, without looking up field definitions,
 * argument maps and promise bookkeeping for every field of every row (a fifth of a nested list's CPU
 * time went there). Apollo still parses, validates, formats errors and speaks HTTP; it hands execution
 * to a "gateway executor", its documented hook for another executor.
 *
 * Compiled functions are kept per query text (and operation name), bounded by the bytes they hold.
 * Introspection runs on graphql-js, which owns the introspection types.
 *
 * Variables are coerced by graphql-js alone, on every path: graphql-jit compiles a parser per variable type,
 * and for a recursive input type (every list filter: and/or/not) that compilation never ends (graphql-jit
 * issue #81). So the document graphql-jit compiles declares each variable as a pass-through scalar, and it
 * is handed the values graphql-js has already coerced (compiledDocument below).
 *
 * A query Apollo has handed over is "proven": its text parsed, validated and named one operation, a query.
 * The same text and operation name then run again without Apollo (src/http/provenAnswer.ts).
 */
type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type Selections = Parameters<GatewayExecutor>[0]['operation']['selectionSet']['selections'];
type Operation = Parameters<GatewayExecutor>[0]['operation'];

/** A query Apollo has parsed, validated and handed over once, compiled: its text runs again without Apollo. */
export interface ProvenQuery {
  operation: Operation;
  compiled: CompiledQuery;
}

export interface CompiledExecution {
  /** Apollo's hook for another executor. */
  gateway: Gateway;
  /** The proven query for this text and operation name, if Apollo has run it before. */
  proven(text: string, operationName: string | undefined): ProvenQuery | undefined;
  /** How much the compiled queries hold (exposed by /healthz). */
  size(): CacheSize;
}

// Compiled queries by text: a compiled query holds a few hundred bytes per character of its text.
const MAX_COMPILED_BYTES = 24 * 2 ** 20;
const COMPILED_BYTES_PER_CHARACTER = 330; // measured with graphql-jit 0.8.9 on this API's queries, syntax tree included

export function compiledExecution(schema: GraphQLSchema): CompiledExecution {
  const compileSchema = withCoercedVariableType(schema);
  // Per text, per operation name: the compiled operation, or null where graphql-jit cannot compile it.
  const compiledByText = new ByText<Map<string, ProvenQuery | null>>(MAX_COMPILED_BYTES, COMPILED_BYTES_PER_CHARACTER);

  const compiledFor = (text: string, document: DocumentNode, operation: Operation, operationName: string | undefined): ProvenQuery | undefined => {
    let byOperation = compiledByText.get(text);
    if (!byOperation) compiledByText.set(text, (byOperation = new Map()));
    const key = operationName ?? '';
    let compiled = byOperation.get(key);
    if (compiled === undefined) {
      const result = compileOrUndefined(compileSchema, compiledDocument(document), operationName);
      // graphql-js runs what graphql-jit cannot compile, and reports any problem its own way.
      byOperation.set(key, (compiled = result && isCompiledQuery(result) ? { operation, compiled: result } : null));
    }
    return compiled ?? undefined;
  };

  const executor: GatewayExecutor = async ({ document, request, context, operation }) => {
    // The client's operation name: Apollo's own is null when it names no operation of the document.
    const { operationName, variables = {} } = request;
    const interpreted = async () =>
      withAnswerExtensions(await execute({ schema, document, operationName, variableValues: variables, contextValue: context }), context);
    // No operation (an unknown name), introspection, or variables graphql-js would refuse: graphql-js runs
    // it, so errors read as they always have (Apollo recognises its variable errors as BAD_USER_INPUT).
    if (!operation || mayIntrospect(operation.selectionSet.selections)) return interpreted();
    const coerced = coercedVariables(schema, operation, variables);
    if (!coerced) return interpreted();
    const compiled = typeof request.query === 'string' ? compiledFor(request.query, document, operation, operationName) : undefined;
    if (!compiled) return interpreted();
    return withAnswerExtensions(withGraphQLErrors(await compiled.compiled.query(undefined, context, coerced)), context);
  };

  return {
    gateway: {
      async load() {
        return { executor };
      },
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => {};
      },
      async stop() {},
    },
    // Only queries: a text Apollo accepted as a query over POST is one over GET too, and runs no writes.
    proven(text, operationName) {
      const compiled = compiledByText.get(text)?.get(operationName ?? '');
      return compiled?.operation.operation === 'query' ? compiled : undefined;
    },
    size: () => compiledByText.size,
  };
}

/**
 * Runs a proven query as the executor above would: undefined when graphql-js refuses the variables (the
 * executor hands those to graphql-js, whose words Apollo then reports).
 */
export async function runProven(
  schema: GraphQLSchema,
  proven: ProvenQuery,
  context: unknown,
  variables: Record<string, unknown>,
): Promise<ExecutionResult | undefined> {
  const coerced = coercedVariables(schema, proven.operation, variables);
  if (!coerced) return undefined;
  return withAnswerExtensions(withGraphQLErrors(await proven.compiled.query(undefined, context, coerced)), context);
}

/** The answer with what every answer carries (the context's answerExtensions: data version, licence, attribution). */
function withAnswerExtensions(result: ExecutionResult, context: unknown): ExecutionResult {
  const extra = (context as Partial<Context>).answerExtensions;
  if (!extra) return result;
  return { ...result, extensions: result.extensions ? { ...result.extensions, ...extra } : (extra as Record<string, unknown>) };
}

/** The variables as graphql-js coerces them (own properties only, defaults applied), or undefined where it refuses them. */
function coercedVariables(schema: GraphQLSchema, operation: Operation, variables: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!operation.variableDefinitions?.length) return {};
  const result = getVariableValues(schema, operation.variableDefinitions, variables);
  return 'errors' in result && result.errors ? undefined : result.coerced;
}

/**
 * The type graphql-jit's variable parser sees for every variable: its value passes through unchanged,
 * since graphql-js has coerced it already. Known only to the schema graphql-jit compiles against.
 */
const COERCED_VARIABLE = new GraphQLScalarType({
  name: 'MinshengCoercedVariable',
  description: 'A variable value graphql-js has already coerced.',
  parseValue: (value) => value,
  serialize: (value) => value,
});

/** The same types and resolvers, plus the pass-through variable type (the public schema stays as it is). */
function withCoercedVariableType(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, COERCED_VARIABLE], assumeValid: true });
}

/**
 * The document with each operation's variables declared as the pass-through scalar and without defaults
 * (graphql-js applied them). Boolean variables keep their type: graphql-jit checks it where they drive
 * @skip/@include, and re-reading a coerced Boolean is the identity.
 */
function compiledDocument(document: DocumentNode): DocumentNode {
  const passThrough = (definition: VariableDefinitionNode): VariableDefinitionNode => {
    const named = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    if (named.kind === Kind.NAMED_TYPE && named.name.value === 'Boolean') return definition;
    return { ...definition, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: COERCED_VARIABLE.name } }, defaultValue: undefined };
  };
  const definitions = document.definitions.map((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION && definition.variableDefinitions?.length
      ? ({ ...definition, variableDefinitions: definition.variableDefinitions.map(passThrough) } satisfies OperationDefinitionNode)
      : definition,
  );
  return { ...document, definitions };
}

/** graphql-jit's compilation, or undefined where it throws on a construct it cannot compile. */
function compileOrUndefined(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined) {
  try {
    return compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
  } catch {
    return undefined;
  }
}

/**
 * graphql-jit's errors are look-alikes without `extensions` or `toJSON`, which Apollo's error formatting
 * needs: each becomes a graphql-js GraphQLError with the same message, locations, path and cause.
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  const errors = result.errors.map((jit) => {
    const error = new GraphQLError(jit.message, { path: jit.path, originalError: jit.originalError ?? undefined, extensions: jit.extensions });
    (error as { locations?: GraphQLError['locations'] }).locations = jit.locations;
    return error;
  });
  return { ...result, errors };
}

/** Might the operation ask for __schema or __type? (A fragment at the root is not looked into.) */
function mayIntrospect(selections: Selections): boolean {
  return selections.some((selection) => (selection.kind === 'Field' ? selection.name.value === '__schema' || selection.name.value === '__type' : true));
}
