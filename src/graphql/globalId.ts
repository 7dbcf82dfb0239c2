import { badUserInput } from './errors.js';
import { fromOpaque, toOpaque } from './opaqueText.js';

/**
 * Opaque global IDs built from natural keys (slug, code, observation key), so an ID stays the same across
 * databases and re-seeding: base64url("Facility:yuxin-primary-school").
 */
export function toGlobalId(type: string, key: string): string {
  return toOpaque(`${type}:${key}`);
}

/** The type and key inside a global ID, refused unless `isNodeType` knows the type. */
export function fromGlobalId(id: string, isNodeType: (typename: string) => boolean): { type: string; key: string } {
  const decoded = fromOpaque(id);
  const separator = decoded.indexOf(':');
  const type = decoded.slice(0, separator);
  if (separator < 1 || !isNodeType(type) || separator === decoded.length - 1) {
    throw badUserInput(`"${id}" is not a Minsheng ID. Use the \`id\` field of a node returned by this API.`, { argument: 'id' });
  }
  return { type, key: decoded.slice(separator + 1) };
}
