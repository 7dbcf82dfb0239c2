import {
  DirectiveLocation,
  getDirectiveValues,
  getVariableValues,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLNonNull,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * `query @includeDrafts { … }`: the whole operation reads the data with the pending drafts the caller may review
 * applied, as publishing them would make it. On the operation, not on a field: one answer shows one state of
 * the data, never a list with drafts beside a total without them.
 */
export const includeDraftsDirective = new GraphQLDirective({
  name: 'includeDrafts',
  description:
    'Reads the data as it would be with the pending drafts you may review published (for editor, publisher and admin keys and ' +
    'tokens; 401/403 otherwise). Nothing is written; the answer is never cached, and its extensions.drafts says which drafts were ' +
    'applied and which were skipped, with the reason.',
  locations: [DirectiveLocation.QUERY],
  args: {
    if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true, description: 'Read with drafts only when true (a variable may decide).' },
  },
});

/**
 * Does this request's operation ask to read with drafts? Its `if` is read as execution will read it: from the
 * variables coerced by their definitions (own properties only, defaults applied), so a variable the request
 * does not provide is not mistaken for the argument's default. Variables that do not coerce: no, and
 * execution answers them in its words.
 */
export function draftsAsked(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): boolean {
  if (!operation.directives?.some((directive) => directive.name.value === includeDraftsDirective.name)) return false;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return false;
  try {
    return getDirectiveValues(includeDraftsDirective, operation, coerced.coerced)?.if === true;
  } catch {
    return false;
  }
}
