import { coerceInputValue, isInputObjectType, type GraphQLSchema } from 'graphql';
import { MAX_LIST_VALUES } from '../../limits/documentLimits.js';

/** A `?filter=` that cannot be used; the message says what to change. */
export class BadDownloadRequest extends Error {}

// Longer than any filter a person writes; a URL this long is a mistake or an attack.
const MAX_FILTER_CHARACTERS = 8_000;
// and/or/not nested this deep is no real filter, and each level is a recursion in the SQL built from it.
const MAX_FILTER_DEPTH = 12;

/**
 * `?filter=<JSON>` as the GraphQL input type of the record (FacilityFilter, ObservationFilter…), coerced by
 * graphql-js against the schema: the same fields, enums, scalars and errors as `filter:` in a query.
 */
export function downloadFilter(schema: GraphQLSchema, typeName: string, text: string | null): unknown {
  if (text === null || text.trim() === '') return undefined;
  if (text.length > MAX_FILTER_CHARACTERS) throw new BadDownloadRequest(`\`filter\` is ${text.length} characters long; the limit is ${MAX_FILTER_CHARACTERS}.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadDownloadRequest(
      `\`filter\` is not valid JSON (${(error as Error).message}). Give a JSON object with the fields of ${typeName}, e.g. filter={"domain":["EDUCATION"]}, URL-encoded.`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadDownloadRequest(
      `\`filter\` must be a JSON object with the fields of ${typeName}, not ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}.`,
    );
  }
  checkShape(value, 'filter', 1);
  const type = schema.getType(typeName);
  if (!isInputObjectType(type)) throw new Error(`The schema has no input type ${typeName}.`);
  const problems: string[] = [];
  const coerced = coerceInputValue(value, type, (path, _invalid, error) => {
    const where = ['filter', ...path].join('.');
    problems.push(path.length ? `${where}: ${error.message}` : error.message);
  });
  if (problems.length) throw new BadDownloadRequest(`\`filter\` is not a valid ${typeName}: ${problems.slice(0, 5).join(' ')}`);
  return coerced;
}

/** The same list bound as a query's (documentLimits.ts), and a bound on nesting, before anything is built. */
function checkShape(value: unknown, path: string, depth: number): void {
  if (depth > MAX_FILTER_DEPTH) throw new BadDownloadRequest(`\`filter\` is nested deeper than ${MAX_FILTER_DEPTH} levels at ${path}; flatten its and/or/not.`);
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_VALUES) {
      throw new BadDownloadRequest(
        `\`${path}\` holds ${value.length} values; the limit is ${MAX_LIST_VALUES} per list. Split the list over several downloads.`,
      );
    }
    value.forEach((item) => checkShape(item, path, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) checkShape(item, `${path}.${key}`, depth + 1);
  }
}
