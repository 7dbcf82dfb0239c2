import { badUserInput } from './errors.js';

/**
 * Opaque global IDs built from natural keys (slug, code, observation key), so an ID stays the same across
 * databases and re-seeding: base64url("Facility:yuxin-primary-school").
 */
export const nodeTypes = ['Division', 'Organization', 'Facility', 'Program', 'Indicator', 'Observation', 'Source'] as const;
export type NodeTypeName = (typeof nodeTypes)[number];

export function toGlobalId(type: NodeTypeName, key: string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string): { type: NodeTypeName; key: string } {
  const decoded = /^[A-Za-z0-9_-]+$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const type = decoded.slice(0, separator) as NodeTypeName;
  if (separator < 1 || !nodeTypes.includes(type) || separator === decoded.length - 1) {
    throw badUserInput(`"${id}" is not a Minsheng ID. Use the \`id\` field of a node returned by this API.`, { argument: 'id' });
  }
  return { type, key: decoded.slice(separator + 1) };
}
