import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domains } from '../../src/composition/domains.js';
import { startApi, type TestApi } from '../support/api.js';

// Every domain registers itself in one list (src/composition/domains.ts); what the shared parts promise
// for each registration holds without this file naming a domain: its IDs resolve through node(id:), and
// what it declares searchable is found by search.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const nodeTypes = domains.flatMap((domain) => (domain.nodeTypes ?? []).map((type) => ({ domain: domain.name, typename: type.typename })));
const searchable = domains.flatMap((domain) => (domain.searchable ?? []).map((type) => ({ domain: domain.name, ...type })));

/** The root connection listing a type: the field of Query whose type is `<Type>Connection`. */
async function rootListOf(typename: string): Promise<string> {
  const { __type } = await api.data<{ __type: { fields: { name: string; type: { name: string | null; ofType: { name: string | null } | null } }[] } }>(
    '{ __type(name: "Query") { fields { name type { name ofType { name } } } } }',
  );
  const field = __type.fields.find((f) => (f.type.name ?? f.type.ofType?.name) === `${typename}Connection`);
  if (!field) throw new Error(`No root list of ${typename}`);
  return field.name;
}

describe('registered domains', () => {
  it('are the ones this API has, each with its node types', () => {
    expect(nodeTypes.map((type) => type.typename).sort()).toEqual(['Division', 'Facility', 'Indicator', 'Observation', 'Organization', 'Program', 'Source']);
  });

  it.each(nodeTypes)('$typename ($domain): every ID of its root list resolves through node(id:) and nodes(ids:)', async ({ typename }) => {
    const list = await rootListOf(typename);
    const page = await api.data<Record<string, { nodes: { id: string; __typename: string }[] }>>(`{ ${list}(first: 50) { nodes { id __typename } } }`);
    const rows = page[list]!.nodes;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows.slice(0, 5)) {
      const { node } = await api.data<{ node: { id: string; __typename: string } }>('query ($id: ID!) { node(id: $id) { id __typename } }', { id: row.id });
      expect(node).toEqual({ id: row.id, __typename: typename });
    }
    const { nodes } = await api.data<{ nodes: { id: string }[] }>('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: rows.map((row) => row.id) });
    expect(nodes.map((node) => node.id)).toEqual(rows.map((row) => row.id));
  });

  it.each(searchable)('$typename ($domain) is found by search as type $name, by the text of its first searched column', async (type) => {
    const list = await rootListOf(type.typename);
    // The first searched column is a name or label in Chinese (name_zh, label_zh): its field, in Chinese.
    const field = type.textColumns[0]!.replace(/_zh$/, '');
    const page = await api.data<Record<string, { nodes: ({ id: string } & Record<string, string>)[] }>>(
      `{ ${list}(first: 5) { nodes { id text: ${field}(lang: ZH) } } }`,
    );
    const row = page[list]!.nodes.find((node) => [...node.text!].length >= 2)!;
    const { search } = await api.data<{ search: { nodes: { __typename: string; id: string }[] } }>(
      `query ($query: String!) { search(query: $query, types: [${type.name.toUpperCase()}], first: 100) { nodes { __typename ... on Node { id } } } }`,
      { query: row.text },
    );
    expect(search.nodes.every((node) => node.__typename === type.typename)).toBe(true);
    expect(search.nodes.map((node) => node.id)).toContain(row.id);
  });
});
