import { DirectiveLocation, GraphQLDirective, GraphQLInt, GraphQLNonNull, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { operationDirectiveValues } from './operationDirective.js';

/**
 * `query @asOf(version: 12) { … }`: the whole operation reads the data as it was at that data version (every
 * answer names its version in extensions.dataVersion). On the operation, not on a field: one answer shows one
 * state of the data. The same can be asked with the `Minsheng-As-Of` header (src/http/asOfRequest.ts).
 */
export const asOfDirective = new GraphQLDirective({
  name: 'asOf',
  description:
    'Reads the data as it was at a past data version: the version an earlier answer named in extensions.dataVersion (or its ' +
    'Minsheng-Data-Version header). Every field, list, filter, search, node and aggregate answers as it did then, so a figure ' +
    'cited once can be checked again after it was corrected. A version outside the range kept is a BAD_USER_INPUT naming the range.',
  locations: [DirectiveLocation.QUERY],
  args: {
    version: { type: new GraphQLNonNull(GraphQLInt), description: 'The data version to read at.' },
  },
});

/** The data version this request's operation asks to read at (`@asOf`), or undefined when it asks for none. */
export function asOfAsked(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number | undefined {
  const version = operationDirectiveValues(schema, asOfDirective, operation, variables)?.version;
  return typeof version === 'number' ? version : undefined;
}
