import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domains } from '../../src/composition/domains.js';
import { startApi, type TestApi } from '../support/api.js';

// Lists fetch only the columns their selected fields read (src/graphql/projection.ts); nodes loaded by id
// fetch whole rows. Every field of a listed type, asked alone in a list, must answer exactly what it
// answers for the whole row: a field whose reads were declared wrong (or not at all) shows up here.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface FieldInfo {
  name: string;
  args: { type: TypeRef }[];
  type: TypeRef;
}

const named = (type: TypeRef): TypeRef => (type.ofType ? named(type.ofType) : type);
const isLeaf = (type: TypeRef) => ['SCALAR', 'ENUM'].includes(named(type).kind);
const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';

async function fieldsOf(typeName: string): Promise<FieldInfo[]> {
  const result = await api.query(`{ __type(name: "${typeName}") { fields { name args { type { ${TYPE_REF} } } type { ${TYPE_REF} } } } }`);
  return result.body.data.__type.fields;
}

/** A selection of one field: leaves as they are, objects with their own leaves (and `__typename` below). */
async function selectionOf(field: FieldInfo): Promise<string | undefined> {
  if (field.args.some((arg) => arg.type.kind === 'NON_NULL')) return undefined;
  if (isLeaf(field.type)) return field.name;
  const inner = await fieldsOf(named(field.type).name!);
  const leaves = inner.filter((f) => !f.args.some((arg) => arg.type.kind === 'NON_NULL')).map((f) => (isLeaf(f.type) ? f.name : `${f.name} { __typename }`));
  return `${field.name} { ${leaves.join(' ')} }`;
}

const lists: { type: string; list: (selection: string) => string; nodes: (data: any) => { id: string }[] }[] = [
  { type: 'Facility', list: (s) => `facilities(first: 100) { nodes { id ${s} } }`, nodes: (d) => d.facilities.nodes },
  {
    type: 'Facility',
    list: (s) => `programs(first: 30) { nodes { facilities(first: 30) { edges { node { id ${s} } } } } }`,
    nodes: (d) => d.programs.nodes.flatMap((p: any) => p.facilities.edges.map((e: any) => e.node)),
  },
  { type: 'Program', list: (s) => `programs(first: 100) { nodes { id ${s} } }`, nodes: (d) => d.programs.nodes },
  {
    type: 'Program',
    list: (s) => `facilities(first: 60, filter: { program: {} }) { nodes { programs(first: 20) { nodes { id ${s} } } } }`,
    nodes: (d) => d.facilities.nodes.flatMap((f: any) => f.programs.nodes),
  },
  { type: 'Observation', list: (s) => `observations(first: 100) { nodes { id ${s} } }`, nodes: (d) => d.observations.nodes },
  {
    type: 'Observation',
    list: (s) => `indicators(first: 30) { nodes { observations(first: 10) { nodes { id ${s} } } latest { id ${s} } } }`,
    nodes: (d) => d.indicators.nodes.flatMap((i: any) => [...i.observations.nodes, ...(i.latest ? [i.latest] : [])]),
  },
];

describe('column projection', () => {
  it.each(lists.map((list) => [list.type, list.list('…'), list] as const))(
    'every field of %s in `%s` answers as for the whole row',
    async (type, _, { list, nodes }) => {
      const fields = await fieldsOf(type);
      let compared = 0;
      for (const field of fields) {
        const selection = await selectionOf(field);
        if (!selection || field.name === 'id') continue;
        const listed = await api.query(`{ ${list(selection)} }`);
        expect(listed.body.errors, `${type}.${field.name}`).toBeUndefined();
        const rows = nodes(listed.body.data);
        expect(rows.length, `${type}.${field.name}: the list is not empty`).toBeGreaterThan(0);
        const whole = await api.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on ${type} { ${selection} } } }`, { ids: rows.map((row) => row.id) });
        expect(whole.body.errors, `${type}.${field.name}`).toBeUndefined();
        expect(rows, `${type}.${field.name}`).toEqual(whole.body.data.nodes);
        compared += 1;
      }
      expect(compared).toBeGreaterThan(8);
    },
  );
});

// Every node type a domain registers (src/composition/domains.ts), in each root list of it: a new domain is
// covered here without editing this file.
describe('column projection of every registered node type', () => {
  it('every field of each type, in each root connection of it, answers as for the whole row', async () => {
    const roots = await fieldsOf('Query');
    const covered: string[] = [];
    for (const typename of domains.flatMap((domain) => domain.nodeTypes ?? []).map((type) => type.typename)) {
      const rootLists = roots.filter((root) => named(root.type).name === `${typename}Connection` && !root.args.some((arg) => arg.type.kind === 'NON_NULL'));
      for (const root of rootLists) {
        for (const field of await fieldsOf(typename)) {
          const selection = await selectionOf(field);
          if (!selection || field.name === 'id') continue;
          const listed = await api.query(`{ ${root.name}(first: 100) { nodes { id ${selection} } } }`);
          expect(listed.body.errors, `${root.name} ${typename}.${field.name}`).toBeUndefined();
          const rows = listed.body.data[root.name].nodes as { id: string }[];
          const whole = await api.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on ${typename} { ${selection} } } }`, {
            ids: rows.map((row) => row.id),
          });
          expect(rows, `${root.name} ${typename}.${field.name}`).toEqual(whole.body.data.nodes);
        }
        covered.push(`${root.name}: ${typename}`);
      }
    }
    // Today's domains: each of their node types has a root list, and every one was compared.
    expect(covered).toEqual(expect.arrayContaining(['facilities: Facility', 'programs: Program', 'observations: Observation', 'sources: Source']));
  });
});

describe('cursors', () => {
  it('are there whenever asked for, also through fragments, and lead on to the next page', async () => {
    const first = await api.data<any>(`{ facilities(first: 2) { ...Page } }
      fragment Page on FacilityConnection { pageInfo { ...Ends } nodes { slug } }
      fragment Ends on PageInfo { endCursor hasNextPage }`);
    expect(first.facilities.pageInfo.endCursor).toEqual(expect.any(String));
    const next = await api.data<any>('query ($after: String) { facilities(first: 2, after: $after) { edges { cursor node { slug } } } }', {
      after: first.facilities.pageInfo.endCursor,
    });
    const all = await api.data<any>('{ facilities(first: 4) { nodes { slug } } }');
    expect(next.facilities.edges.map((e: any) => e.node.slug)).toEqual(all.facilities.nodes.slice(2, 4).map((n: any) => n.slug));
    expect(next.facilities.edges.every((e: any) => typeof e.cursor === 'string' && e.cursor.length > 0)).toBe(true);
    // Nested, through an inline fragment on the edge.
    const nested = await api.data<any>(
      '{ programs(first: 3, filter: { facility: {} }) { nodes { facilities(first: 1) { edges { ... on ProgramFacilityEdge { cursor } } } } } }',
    );
    for (const program of nested.programs.nodes) expect(program.facilities.edges[0].cursor).toEqual(expect.any(String));
  });
});
