import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { fragmentsByName } from '../graphql/fragments.js';

/**
 * What GraphQL validation will have to do with a document, counted before it runs: validation reads every
 * definition, whether it runs or not, and one of its rules compares every pair of same-named fields that
 * end up merged into one object. Both are cheap to count and expensive to validate.
 */

/** Fragments no operation of the document spreads (directly or through other fragments): invalid anyway. */
export function unusedFragments(document: DocumentNode): string[] {
  const fragments = fragmentsByName(document);
  const used = new Set<string>();
  const pending: SelectionSetNode[] = [];
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) pending.push(definition.selectionSet);
  while (pending.length) {
    for (const selection of pending.pop()!.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.add(fragment.name.value);
          pending.push(fragment.selectionSet);
        }
      } else if (selection.selectionSet) pending.push(selection.selectionSet);
    }
  }
  return [...fragments.keys()].filter((name) => !used.has(name));
}

/** Past this many selections (fragments expanded) a document is refused, whatever its pairs. */
export const MAX_EXPANDED_SELECTIONS = 50_000;

export interface OverlapCount {
  /** Pairs of same-named fields merged into one object; counting stops once past the bound. */
  pairs: number;
  /** Selections visited with fragments expanded; counting stops past MAX_EXPANDED_SELECTIONS. */
  selections: number;
}

/** Pairs of same-named fields merged into one object, over every selection set of the document, with fragments expanded. */
export function overlappingFieldPairs(document: DocumentNode, bound: number): OverlapCount {
  const fragments = fragmentsByName(document);
  if (hasFragmentCycle(fragments)) return { pairs: 0, selections: 0 }; // invalid, and reported as such by validation, which stops at cycles
  let pairs = 0;
  let visited = 0;
  const over = () => pairs > bound || visited > MAX_EXPANDED_SELECTIONS;

  /** The fields of these selection sets as one object sees them: by response name, fragments expanded once each. */
  const fieldsByResponseName = (sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> => {
    const groups = new Map<string, FieldNode[]>();
    const spread = new Set<string>();
    const pending = [...sets];
    while (pending.length && !over()) {
      for (const selection of pending.pop()!.selections) {
        visited += 1;
        if (selection.kind === Kind.FIELD) {
          const name = selection.alias?.value ?? selection.name.value;
          const group = groups.get(name);
          if (group) group.push(selection);
          else groups.set(name, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(selection.selectionSet);
        else if (!spread.has(selection.name.value)) {
          spread.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment) pending.push(fragment.selectionSet);
        }
      }
    }
    return groups;
  };

  const pending: (readonly SelectionSetNode[])[] = document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.selectionSet]] : [],
  );
  while (pending.length && !over()) {
    for (const fields of fieldsByResponseName(pending.pop()!).values()) {
      pairs += (fields.length * (fields.length - 1)) / 2;
      const below = fields.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
      if (below.length) pending.push(below);
    }
  }
  return { pairs, selections: visited };
}

function hasFragmentCycle(fragments: Map<string, FragmentDefinitionNode>): boolean {
  const state = new Map<string, 'visiting' | 'done'>();
  const spreadsOf = (set: SelectionSetNode): string[] =>
    set.selections.flatMap((selection) =>
      selection.kind === Kind.FRAGMENT_SPREAD ? [selection.name.value] : selection.selectionSet ? spreadsOf(selection.selectionSet) : [],
    );
  const cycles = (name: string): boolean => {
    if (state.get(name) === 'done') return false;
    if (state.get(name) === 'visiting') return true;
    const fragment = fragments.get(name);
    if (!fragment) return false;
    state.set(name, 'visiting');
    const found = spreadsOf(fragment.selectionSet).some(cycles);
    state.set(name, 'done');
    return found;
  };
  return [...fragments.keys()].some(cycles);
}
