import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';
import { nestedShapes } from '../support/nestedShapes.js';

// No N+1: how many SQL statements a request issues depends on the query's shape, never on page sizes.
// (The shapes are in tests/support/nestedShapes.ts; sqlSnapshots.test.ts records the SQL they send.)
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

async function statementsFor(query: string): Promise<{ statements: number; rows: number }> {
  const result = await api.query(query);
  expect(result.body.errors).toBeUndefined();
  expect(result.headers.get('x-sql-statements')).not.toBeNull();
  return { statements: result.sqlStatements, rows: JSON.stringify(result.body.data).length };
}

const shapes = nestedShapes.map(({ name, query }): [string, (n: number) => string] => [name, query]);

describe('SQL statements per request', () => {
  it.each(shapes)('%s: the same for first: 2 and first: 50', async (_, query) => {
    const small = await statementsFor(query(2));
    const large = await statementsFor(query(50));
    expect(large.rows).toBeGreaterThan(small.rows); // the larger pages really hold more
    expect(large.statements).toBe(small.statements);
  });

  it('one statement per list level, per asked count and per kind of linked object', async () => {
    // programs page + its count; their parents (lead organizations are null for these: not asked);
    // the facilities level + its counts; their divisions (operators are null: not asked); the programs
    // level + its counts; their citations; the cited documents.
    const { statements } = await statementsFor(shapes[0]![1](50));
    expect(statements).toBe(10);
  });
});

describe('a nested list asked twice under every parent', () => {
  // Its description and loaders are worked out once per field of the document (load.ts): two aliases of
  // one list with different arguments must each get their own pages, under every parent, whoever runs the
  // document (Apollo the first time, the compiled path after).
  const both = `{ programs(first: 20, filter: { kind: [SCHOOL_GROUP, ALLIANCE] }) { nodes { slug
      a: facilities(first: 1) { totalCount nodes { slug } }
      b: facilities(first: 3, orderBy: [{ field: SLUG, direction: DESC }]) { totalCount nodes { slug } } } } }`;
  const alone = (args: string) => `{ programs(first: 20, filter: { kind: [SCHOOL_GROUP, ALLIANCE] }) { nodes { slug
      facilities${args} { totalCount nodes { slug } } } } }`;

  it('gives each alias the pages it gives alone', async () => {
    const a = (await api.data(alone('(first: 1)'))).programs.nodes;
    const b = (await api.data(alone('(first: 3, orderBy: [{ field: SLUG, direction: DESC }])'))).programs.nodes;
    expect(a.filter((program: { facilities: { nodes: unknown[] } }) => program.facilities.nodes.length > 0).length).toBeGreaterThan(2);
    for (let sent = 0; sent < 2; sent++) {
      const together = (await api.data(both)).programs.nodes;
      expect(together.map((p: { slug: string; a: unknown }) => ({ slug: p.slug, facilities: p.a }))).toEqual(a);
      expect(together.map((p: { slug: string; b: unknown }) => ({ slug: p.slug, facilities: p.b }))).toEqual(b);
    }
  });
});

describe('an aggregate grouped by division', () => {
  it("reads its groups' divisions in its own statement: one statement, and the same divisions as a lookup", async () => {
    const query = `{ observationAggregate(groupBy: [DIVISION, YEAR]) { year count division { code name(lang: EN) level verified parent { code } } } }`;
    const answer = await api.query(query);
    expect(answer.body.errors).toBeUndefined();
    const groups = answer.body.data.observationAggregate as { year: number; division: { code: string; name: string } | null }[];
    const placed = groups.filter((group) => group.division);
    expect(placed.length).toBeGreaterThan(1);
    // The group statement, and the parents' (a linked object of the divisions): never one per group.
    expect(answer.sqlStatements).toBe(2);
    const looked = await api.data(`{ division(code: "${placed[0]!.division!.code}") { code name(lang: EN) level verified parent { code } } }`);
    expect(placed[0]!.division).toEqual(looked.division);
    const flat = await api.query(`{ observationAggregate(groupBy: [DIVISION]) { count division { code } } }`);
    expect(flat.sqlStatements).toBe(1);
    expect((flat.body.data.observationAggregate as unknown[]).length).toBeGreaterThan(1);
  });
});
