import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, GraphQLError, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Runs operations with graphql-jit instead of graphql-js's interpreter: each document is compiled once
 * into a JavaScript function that walks exactly its selection, without looking up field definitions,
 * argument maps and promise bookkeeping for every field of every row (a fifth of a nested list's CPU
 * time went there). Apollo still parses, validates, formats errors and speaks HTTP; it hands execution
 * to a "gateway executor", its documented hook for another executor.
 *
 * Apollo keeps parsed documents in its own cache, so one document object comes back for one query text:
 * compiled functions are kept per document (and operation name) as long as Apollo keeps the document.
 * Introspection runs on graphql-js, which owns the introspection types.
 */
type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type Selections = Parameters<GatewayExecutor>[0]['operation']['selectionSet']['selections'];

export function compiledExecution(schema: GraphQLSchema): Gateway {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();

  const compiledFor = (document: DocumentNode, operationName: string | undefined) => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let query = byOperation.get(key);
    if (!query) {
      const result = compileOrUndefined(schema, document, operationName);
      if (!result || !isCompiledQuery(result)) return undefined; // graphql-js runs it, and reports any problem its own way
      byOperation.set(key, (query = result));
    }
    return query;
  };

  const executor: GatewayExecutor = async ({ document, request, context, operation }) => {
    // The client's operation name: Apollo's own is null when it names no operation of the document.
    const { operationName, variables = {} } = request;
    const interpreted = () => execute({ schema, document, operationName, variableValues: variables, contextValue: context });
    // No operation (an unknown name), introspection, or variables graphql-js would refuse: graphql-js runs
    // it, so errors read as they always have (Apollo recognises its variable errors as BAD_USER_INPUT).
    if (!operation || mayIntrospect(operation.selectionSet.selections)) return interpreted();
    if (operation.variableDefinitions?.length && 'errors' in getVariableValues(schema, operation.variableDefinitions, variables)) return interpreted();
    const query = compiledFor(document, operationName);
    return query ? withGraphQLErrors(await query.query(undefined, context, variables)) : interpreted();
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
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
  return selections.some((selection) =>
    selection.kind === 'Field' ? selection.name.value === '__schema' || selection.name.value === '__type' : true);
}
