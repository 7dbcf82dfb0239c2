import { DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLNonNull, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { operationDirectiveValues } from './operationDirective.js';

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

/** Does this request's operation ask to read with drafts (its `if` as execution reads it, operationDirective.ts)? */
export function draftsAsked(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): boolean {
  return operationDirectiveValues(schema, includeDraftsDirective, operation, variables)?.if === true;
}
