import type { AnySeedKind } from '../db/seed/kind.js';

/**
 * How a CSV cell becomes a field of a record (docs/importing.md): a header names a field by its path in the
 * record ("name_zh", "period.end", "citations.0.quote"); a number or boolean field is written as one ("13",
 * "true"); a list or object field named whole ("citations") holds JSON; an empty cell leaves the field out.
 */
export type FieldType = 'string' | 'number' | 'boolean' | 'json';

/** zod's definition of a schema, as far as these paths need it. */
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function unwrap(def: Def): Def {
  let at = def;
  while (WRAPPERS.has(at.type) && at.innerType) at = at.innerType._zod.def;
  if (at.type === 'pipe' && at.in) return unwrap(at.in._zod.def);
  return at;
}

/** The type of the field at this path of the kind's record, or undefined when the record has no such field. */
export function fieldType(kind: AnySeedKind, path: readonly string[]): FieldType | undefined {
  let def = unwrap((kind.record as unknown as { _zod: { def: Def } })._zod.def);
  for (const segment of path) {
    if (def.type === 'object' && def.shape && Object.hasOwn(def.shape, segment)) def = unwrap(def.shape[segment]!._zod.def);
    else if (def.type === 'array' && def.element && /^(0|[1-9][0-9]{0,5})$/.test(segment)) def = unwrap(def.element._zod.def);
    else return undefined;
  }
  if (def.type === 'number' || def.type === 'int') return 'number';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'object' || def.type === 'array') return 'json';
  return 'string';
}

/** A cell's value as its field's type, or the reason it is not one. */
export function cellValue(type: FieldType, cell: string): { value: unknown } | { problem: string } {
  if (type === 'string') return { value: cell };
  if (type === 'number') {
    const value = Number(cell.trim());
    return /^\s*-?[0-9]/.test(cell) && Number.isFinite(value) ? { value } : { problem: `"${cell}" is not a number (write it as 13, -4.5 or 1e6)` };
  }
  if (type === 'boolean') {
    const text = cell.trim();
    return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: `"${cell}" is not true or false` };
  }
  try {
    return { value: JSON.parse(cell) };
  } catch (error) {
    return { problem: `holds no valid JSON (${(error as Error).message}): a list or object field in one cell is written as JSON` };
  }
}

/** Sets a value at a path of a record, making the objects and lists on the way. */
export function setAt(record: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at: Record<string, unknown> = record;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      at[segment] = value;
      return;
    }
    const next = at[segment];
    if (next === null || typeof next !== 'object') at[segment] = /^[0-9]+$/.test(path[i + 1]!) ? [] : {};
    at = at[segment] as Record<string, unknown>;
  });
}
