import { getDirectiveValues, getVariableValues, type GraphQLDirective, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/**
 * The arguments of a directive on the operation, read as execution will read them: from the variables coerced
 * by their definitions (own properties only, defaults applied), so that a variable the request does not
 * provide is not mistaken for the argument's default. Undefined when the operation does not carry the
 * directive, or when its variables or arguments do not coerce (execution then answers them in its words).
 */
export function operationDirectiveValues(
  schema: GraphQLSchema,
  directive: GraphQLDirective,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!operation.directives?.some((node) => node.name.value === directive.name)) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return undefined;
  try {
    return getDirectiveValues(directive, operation, coerced.coerced);
  } catch {
    return undefined;
  }
}
