import { Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { Extensions } from 'type-graphql';
import { fragmentsByName } from './fragments.js';

/**
 * Fields whose answer is about the caller (its rate limit), not public data: a response holding one is
 * never shared by a cache. Marked on the field, next to its resolver, and found in a document by the
 * field's schema coordinate, never by its text (an alias, a fragment or a comment would fool a pattern).
 */
const EXTENSION = 'aboutTheCaller';

export const AboutTheCaller = () => Extensions({ [EXTENSION]: true });

/** Does the operation select a root field marked as about the caller (through fragments too)? */
export function selectsAboutTheCaller(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const root = schema.getRootType(operation.operation);
  if (!root) return false;
  const fields = root.getFields();
  const fragments = fragmentsByName(document);
  const seen = new Set<string>();
  const selects = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return fields[selection.name.value]?.extensions?.[EXTENSION] === true;
      if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      return fragment ? selects(fragment.selectionSet) : false;
    });
  return selects(operation.selectionSet);
}
