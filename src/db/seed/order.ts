import { citedKind, type AnySeedKind } from './kind.js';

/**
 * The kinds in the order they are read, checked and written: every kind after the kinds its rows need
 * (depth first, otherwise in the order given). Retiring runs in the reverse order. Throws when the list
 * itself is wrong (a mistake in the code, not in a seed file).
 */
export function writeOrder(kinds: readonly AnySeedKind[]): AnySeedKind[] {
  const byName = new Map<string, AnySeedKind>();
  const files = new Set<string>();
  for (const kind of kinds) {
    if (byName.has(kind.name)) throw new Error(`seed kind "${kind.name}" is registered twice`);
    if (files.has(kind.file)) throw new Error(`seed file ${kind.file} is registered by two kinds`);
    byName.set(kind.name, kind);
    files.add(kind.file);
  }
  const cited = byName.get(citedKind);
  if (cited && !cited.textFile) throw new Error(`seed kind "${citedKind}" must declare textFile: citations quote its texts`);

  const ordered: AnySeedKind[] = [];
  const visiting = new Set<string>();
  function visit(kind: AnySeedKind) {
    if (ordered.includes(kind)) return;
    if (visiting.has(kind.name)) throw new Error(`seed kinds need each other's rows: ${[...visiting, kind.name].join(' → ')}`);
    visiting.add(kind.name);
    for (const name of kind.rowNeeds ?? []) {
      const needed = byName.get(name);
      if (!needed) throw new Error(`seed kind "${kind.name}" needs the rows of "${name}", which is not registered`);
      visit(needed);
    }
    visiting.delete(kind.name);
    ordered.push(kind);
  }
  kinds.forEach((kind) => visit(kind));
  return ordered;
}
