import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { answerAsCsv, csvRequested } from '../../src/http/answerAsCsv.js';

/** The CSV read back by a real parser: header row, then records. */
function table(result: Parameters<typeof answerAsCsv>[0], options?: Parameters<typeof answerAsCsv>[1]) {
  const answer = answerAsCsv(result, options);
  if ('error' in answer) throw new Error(answer.error);
  const [header = [], ...rows] = parse(answer.csv, { bom: true, relax_column_count: false }) as string[][];
  return { header, rows, answer };
}

function refusal(result: Parameters<typeof answerAsCsv>[0]) {
  const answer = answerAsCsv(result);
  if (!('error' in answer)) throw new Error(`expected a refusal, got ${answer.csv}`);
  return answer;
}

describe('answerAsCsv', () => {
  it('flattens each node of a connection to dotted columns in the order of the selection', () => {
    const { header, rows, answer } = table({
      data: {
        facilities: {
          totalCount: 2,
          nodes: [
            { slug: 'a-school', division: { code: '500104001', name: '新山村街道' }, location: { latitude: 29.48, longitude: 106.48 }, open: true },
            { slug: 'b-clinic', division: { code: '500104002', name: '跃进村街道' }, location: null, open: false },
          ],
        },
      },
    });
    expect(header).toEqual(['slug', 'division.code', 'division.name', 'location.latitude', 'location.longitude', 'open']);
    expect(rows).toEqual([
      ['a-school', '500104001', '新山村街道', '29.48', '106.48', 'true'],
      ['b-clinic', '500104002', '跃进村街道', '', '', 'false'],
    ]);
    expect(answer).toMatchObject({ rows: 2, table: 'facilities.nodes' });
  });

  it('reads edges: the node fields beside the edge fields, in their order', () => {
    const { header, rows, answer } = table({
      data: {
        programs: {
          edges: [
            { cursor: 'c1', node: { slug: 'p1', kind: 'SUBSIDY' } },
            { cursor: 'c2', node: { slug: 'p2', kind: 'SERVICE' } },
          ],
        },
      },
    });
    expect(header).toEqual(['cursor', 'slug', 'kind']);
    expect(rows).toEqual([
      ['c1', 'p1', 'SUBSIDY'],
      ['c2', 'p2', 'SERVICE'],
    ]);
    expect(answer).toMatchObject({ table: 'programs.edges' });
  });

  it('finds the connection at any depth, and leaves out what is not the table', () => {
    const { header, rows, answer } = table({
      data: { rateLimit: { cost: 3 }, division: { name: '大渡口区', facilities: { pageInfo: { hasNextPage: false }, nodes: [{ slug: 'x' }] } } },
    });
    expect(answer).toMatchObject({ table: 'division.facilities.nodes', rows: 1 });
    expect(header).toEqual(['slug']);
    expect(rows).toEqual([['x']]);
  });

  it('takes a plain list of records as the table too', () => {
    const { header, rows } = table({ data: { observationAggregate: [{ year: 2023, sum: 1.5, units: ['PERSON', 'HOUSEHOLD'] }] } });
    expect(header).toEqual(['year', 'sum', 'units']);
    expect(rows).toEqual([['2023', '1.5', 'PERSON; HOUSEHOLD']]);
  });

  it('quotes commas, quotes, line breaks; keeps Chinese text and spaces exact; ends records with CRLF', () => {
    const awkward = ['a, b', 'say "约"', 'line one\nline two', 'carriage\rreturn', '  大渡口区 跳磴镇  ', ''];
    const { answer, rows } = table({ data: { list: { nodes: awkward.map((text) => ({ text })) } } });
    expect(rows.map(([text]) => text)).toEqual(awkward);
    expect(answer.csv.startsWith('text\r\n')).toBe(true);
    expect(answer.csv).toContain('"a, b"');
    expect(answer.csv).toContain('"say ""约"""');
    expect(answer.csv).toContain('"line one\nline two"');
    expect(answer.csv.endsWith('\r\n')).toBe(true);
  });

  it('prints numbers as JSON does, booleans as true/false, null as an empty field', () => {
    const { rows } = table({ data: { xs: { nodes: [{ a: 0.1 + 0.2, b: 1e21, c: -0, d: 12345678, e: true, f: null }] } } });
    expect(rows[0]).toEqual([String(0.1 + 0.2), '1e+21', '0', '12345678', 'true', '']);
  });

  it('joins lists of scalars, and lists of records reduced to one field, with "; "', () => {
    const { header, rows } = table({
      data: {
        facilities: {
          nodes: [
            { slug: 'a', tags: ['x', 'y'], programs: { nodes: [{ slug: 'p1' }, { slug: 'p2' }] } },
            { slug: 'b', tags: [], programs: { nodes: [] } },
          ],
        },
      },
    });
    expect(header).toEqual(['slug', 'tags', 'programs.nodes.slug']);
    expect(rows).toEqual([
      ['a', 'x; y', 'p1; p2'],
      ['b', '', ''],
    ]);
  });

  it('places a column first met on a later record beside its siblings, and drops a null placeholder', () => {
    const { header, rows } = table({
      data: {
        facilities: {
          nodes: [
            { slug: 'a', division: null, name: 'A', programs: { nodes: [] } },
            { slug: 'b', division: { name: 'D' }, name: 'B', programs: { nodes: [{ slug: 'p' }] } },
          ],
        },
      },
    });
    expect(header).toEqual(['slug', 'division.name', 'name', 'programs.nodes.slug']);
    expect(rows).toEqual([
      ['a', '', 'A', ''],
      ['b', 'D', 'B', 'p'],
    ]);
  });

  it('adds columns of other record types (inline fragments) after the first record’s', () => {
    const { header, rows } = table({
      data: {
        search: {
          nodes: [
            { __typename: 'Facility', slug: 'f' },
            { __typename: 'Program', kind: 'SUBSIDY' },
          ],
        },
      },
    });
    expect(header).toEqual(['__typename', 'slug', 'kind']);
    expect(rows).toEqual([
      ['Facility', 'f', ''],
      ['Program', '', 'SUBSIDY'],
    ]);
  });

  it('an empty table is an empty body', () => {
    expect(answerAsCsv({ data: { facilities: { nodes: [] } } })).toEqual({ csv: '', rows: 0, table: 'facilities.nodes', fileName: 'facilities.csv' });
  });

  it('starts with a byte order mark when asked', () => {
    const answer = answerAsCsv({ data: { xs: { nodes: [{ name: '大渡口' }] } } }, { bom: true });
    if ('error' in answer) throw new Error(answer.error);
    expect(answer.csv.startsWith('\uFEFFname\r\n')).toBe(true);
    const plain = answerAsCsv({ data: { xs: { nodes: [{ name: '大渡口' }] } } });
    if ('error' in plain) throw new Error(plain.error);
    expect(plain.csv.startsWith('name')).toBe(true);
  });

  it('refuses an answer with GraphQL errors, giving their messages, even with partial data', () => {
    const answer = refusal({
      data: { xs: { nodes: [{ a: 1 }] } },
      errors: [{ message: 'Cannot query field "nope" on type "Facility".' }, { message: 'second' }],
    });
    expect(answer.code).toBe('GRAPHQL_ERRORS');
    expect(answer.error).toContain('Cannot query field "nope" on type "Facility".');
    expect(answer.error).toContain('second');
  });

  it('refuses an answer with no list, or with two, naming the lists found', () => {
    const none = refusal({ data: { facility: { slug: 'a' } } });
    expect(none.code).toBe('NOT_ONE_TABLE');
    expect(none.error).toContain('no list');
    const two = refusal({ data: { facilities: { nodes: [] }, programs: { edges: [{ node: { slug: 'p' } }] } } });
    expect(two.code).toBe('NOT_ONE_TABLE');
    expect(two.error).toContain('facilities.nodes');
    expect(two.error).toContain('programs.edges');
    const both = refusal({ data: { facilities: { edges: [], nodes: [] } } });
    expect(both.error).toContain('facilities.edges, facilities.nodes');
  });

  it('refuses a nested list of records with several fields, naming its path and the way out', () => {
    const answer = refusal({
      data: {
        facilities: {
          nodes: [
            { slug: 'a', programs: { nodes: [] } },
            { slug: 'b', programs: { nodes: [{ slug: 'p', kind: 'SUBSIDY' }] } },
          ],
        },
      },
    });
    expect(answer.code).toBe('NESTED_TABLE');
    expect(answer.error).toContain('facilities.nodes[1].programs.nodes');
    expect(answer.error).toContain('slug, kind');
    expect(answer.error).toMatch(/as the table itself|select just one field/);
  });

  it('refuses an edge field and a node field that make one column', () => {
    const answer = refusal({ data: { xs: { edges: [{ slug: 'edge', node: { slug: 'node' } }] } } });
    expect(answer.error).toContain('"slug"');
    expect(answer.error).toContain('alias');
  });
});

describe('csvRequested', () => {
  const ask = (search: string, accept?: string) => csvRequested(new URLSearchParams(search), accept);
  it.each([
    ['format=csv', undefined, { csv: true, bom: false }],
    ['format=csv&bom=1', 'application/json', { csv: true, bom: true }],
    ['format=json', 'text/csv', { csv: false }],
    ['', 'text/csv', { csv: true, bom: false }],
    ['bom=1', 'text/csv', { csv: true, bom: true }],
    ['', 'text/csv;q=0.5, application/json', { csv: false }],
    ['', 'application/json;q=0.5, text/csv', { csv: true, bom: false }],
    ['', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', { csv: false }],
    ['', undefined, { csv: false }],
  ])('?%s with Accept %j', (search, accept, expected) => {
    expect(ask(search, accept)).toEqual(expected);
  });

  it('names an unknown format or bom and what to use', () => {
    expect(ask('format=xlsx')).toEqual({ error: 'format=xlsx is not known: use format=csv or format=json.' });
    expect(ask('format=csv&bom=yes')).toEqual({ error: 'bom=yes is not known: use bom=1 or bom=0.' });
  });
});
