import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANNED_FOR_ITS_VALUES, PopularStatements } from '../../src/db/planning.js';
import { startApi, type TestApi } from '../support/api.js';

// Searches (and geographic boxes) are planned for their values: on PostgreSQL their values are written
// into the statement as quoted literals (src/db/planning.ts). Quoting is where SQL injection lives, so
// the values that break naive quoting go through both the API and the database layer.
const awkward = [
  "O'Brien",
  "''",
  "'; drop table facilities; --",
  '\\',
  "\\'",
  'back\\slash',
  '"quoted"',
  '{braces}',
  '{"a","b"}',
  'a,b',
  'NULL',
  '',
  ' ',
  '$1',
  '$$dollar$$',
  '%_',
  "E'x'",
  "养老'院",
  '🏥 emoji',
  '\u2028line\u2029',
];

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('statements planned for their values', () => {
  it('carry every awkward string through unchanged, alone and in arrays, as parameters do', async () => {
    const select = (value: string) => sql`select ${value}::text as "text", ${sql.param([value, null, value])}::text[] as "array",
      (${sql.param([value, null])}::text[])[2] is null as "nullKept"`;
    for (const value of awkward) {
      const [planned] = await api.db.rows<{ text: string; array: string[]; nullKept: boolean }>(sql`${PLANNED_FOR_ITS_VALUES}${select(value)}`);
      const [prepared] = await api.db.rows(select(value));
      expect(planned, JSON.stringify(value)).toEqual(prepared);
      expect(planned!.text, JSON.stringify(value)).toBe(value);
      expect([planned!.array[0], planned!.array[2], planned!.nullKept], JSON.stringify(value)).toEqual([value, value, true]);
    }
  });

  it('are one statement each: a text holding two is refused, never run', async () => {
    const error = await api.db.rows(sql`${PLANNED_FOR_ITS_VALUES}select ${'x'}::text as "a"; select 2 as "b"`).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    // PGlite's error comes wrapped by Drizzle ("Failed query: …"), PostgreSQL's as it is.
    expect(`${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message}`).toMatch(/multiple commands/);
  });

  it('carry numbers with the meaning parameters give them', async () => {
    const [row] = await api.db.rows<{ sum: number; ids: number[] }>(
      sql`select ${PLANNED_FOR_ITS_VALUES}${2.5}::float8 + ${-1e-7}::float8 as "sum", ${sql.param([3, 1, 2])}::int[] as "ids"`,
    );
    expect(row).toEqual({ sum: 2.5 - 1e-7, ids: [3, 1, 2] });
  });

  it('search terms that break naive quoting find what holds them, and nothing is harmed', async () => {
    const before = await api.data<{ facilities: { totalCount: number } }>('{ facilities { totalCount } }');
    for (const term of awkward.filter((t) => t.trim())) {
      const answer = await api.query<{ facilities: { nodes: unknown[] } }>(
        'query ($q: String!) { facilities(filter: { search: $q }, first: 5) { nodes { slug } } }',
        { q: term },
      );
      expect(answer.status, term).toBe(200);
      expect(answer.body.errors, term).toBeUndefined();
      expect(answer.body.data!.facilities.nodes, term).toEqual([]);
    }
    expect(await api.data('{ facilities { totalCount } }')).toEqual(before);
    // A real term still finds its rows through the same path.
    const found = await api.data<{ facilities: { nodes: { slug: string }[] } }>('{ facilities(filter: { search: "钰鑫 小学" }, first: 5) { nodes { slug } } }');
    expect(found.facilities.nodes.map((f) => f.slug)).toContain('yuxin-primary-school');
  });

  it('a popular search answers the same once its statement is prepared (from its third time)', async () => {
    const ask = () => api.data('{ facilities(filter: { search: "养老" }, first: 50) { nodes { slug } } }');
    const first = await ask();
    expect((first as { facilities: { nodes: unknown[] } }).facilities.nodes.length).toBeGreaterThan(1);
    for (let i = 0; i < 5; i++) expect(await ask()).toEqual(first);
  });
});

describe('popular statements', () => {
  it('are prepared from their third time, at most `capacity` of them, and the list starts afresh on renewal', () => {
    let now = 0;
    const popular = new PopularStatements(2, 3, 1000, () => now);
    expect(['a', 'a', 'a', 'a'].map((text) => popular.admit(text))).toEqual([false, false, true, true]);
    expect(['b', 'b', 'b'].map((text) => popular.admit(text))).toEqual([false, false, true]);
    expect(['c', 'c', 'c', 'c'].map((text) => popular.admit(text))).toEqual([false, false, false, false]); // full
    expect(popular.admit('a')).toBe(true);
    now = 1000;
    expect(['a', 'c', 'c', 'c'].map((text) => popular.admit(text))).toEqual([false, false, false, true]);
  });
});
