import { request as httpRequest } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { startApi, type TestApi } from '../support/api.js';
import { createKeys } from '../support/keys.js';

// Bulk import through POST /imports. The rows are synthetic observations ("import-test-…") that restate a
// figure of the Dadukou report: 13 concerts, quoted as the report says it ("目前已举办13场"), so every
// record passes the quote and value checks as a real one would.
let api: TestApi;
let db: Database;
const keys: Record<string, string> = {};

beforeAll(async () => {
  api = await startApi();
  db = api.db;
  Object.assign(
    keys,
    await createKeys(db, {
      reader: { role: 'reader' },
      'culture editor': { role: 'editor', domains: ['culture'] },
      'culture publisher': { role: 'publisher', domains: ['culture'] },
      'elderly editor': { role: 'editor', domains: ['elderly_care'] },
      admin: { role: 'admin' },
    }),
  );
});
afterAll(async () => {
  await api?.close();
});

const HEADER = 'key,indicator,value,qualifier,unit,measure,status,period.end,label_zh,label_en,citation.source,citation.quote,other_program_slugs';
const row = (key: string, overrides: Partial<Record<string, string>> = {}) => {
  const cells = {
    key,
    indicator: 'sound-of-blossoms-concerts-held',
    value: '13',
    qualifier: 'exact',
    unit: 'event',
    measure: 'cumulative',
    status: 'actual',
    'period.end': '2023-12-31',
    label_zh: '13场',
    label_en: 'Synthetic test figure',
    'citation.source': 'dadukou-2023-livelihood',
    'citation.quote': '目前已举办13场',
    other_program_slugs: '',
    ...overrides,
  };
  return Object.values(cells).join(',');
};
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

interface Answer {
  status: number;
  body: {
    id?: string;
    state?: string;
    total?: number;
    problemCount?: number;
    problems?: { line: number; column: string | null; message: string }[];
    error?: string;
  };
}

async function post(body: string, options: { as?: string; query?: string; type?: string; wait?: boolean } = {}): Promise<Answer> {
  const response = await fetch(`${api.url}/imports?${options.query ?? 'kind=observations'}`, {
    method: 'POST',
    headers: {
      'content-type': options.type ?? 'text/csv',
      ...(options.as ? { authorization: `Bearer ${keys[options.as]}` } : {}),
      ...(options.wait === false ? {} : { prefer: 'wait=30' }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function counts() {
  const [row] = await db.rows<Record<string, number>>(sql`
    select (select count(*) from observations)::int as observations, (select count(*) from drafts)::int as drafts,
      (select count(*) from audit_log where outcome in ('proposed', 'published'))::int as audited,
      (select data_version from dataset_state)::int as version`);
  return row!;
}

/** An observation's row as the public reads it, if there is one. */
async function figure(key: string) {
  const [row] = await db.rows<{ value: number; revision: number }>(sql`select value::float as value, revision from observations where key = ${key}`);
  return row;
}

const JOB = `query ($id: ID!) { importJob(id: $id) { id kind state dryRun publish processed total problemCount moreProblems created updated unchanged problems { line column message } } }`;
const as = (name: string) => ({ authorization: `Bearer ${keys[name]}` });

describe('a dry run reports every problem by line and column, and writes nothing', () => {
  it('names each bad row where it starts, a quoted newline counting as a line', async () => {
    const before = await counts();
    const file = csv(
      row('import-test-dry-1', { label_en: '"Two\nlines"' }), // lines 2-3
      row('import-test-dry-2', { value: 'thirteen' }), // line 4
      row('import-test-dry-3', { 'citation.quote': '目前已举办14场' }), // line 5
      row('import-test-dry-4', { value: '14' }), // line 6
      row('import-test-dry-5', { indicator: 'no-such-indicator' }), // line 7
      row('import-test-dry-1'), // line 8
      row('import-test-dry-6', { unit: 'percent' }), // line 9
    );
    const answer = await post(file, { as: 'culture publisher', query: 'kind=observations&dryRun=true' });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ state: 'INVALID', total: 7, problemCount: 7 });
    expect(answer.body.problems).toEqual([
      { line: 4, column: 'value', message: '"thirteen" is not a number (write it as 13, -4.5 or 1e6)' },
      { line: 5, column: 'citation.quote', message: 'does not occur verbatim in source dadukou-2023-livelihood' },
      { line: 6, column: 'value', message: '14 is not a number of its label "13场" (it states 13)' },
      { line: 6, column: 'value', message: '14 is not a number of its quote "目前已举办13场"' },
      { line: 7, column: 'indicator', message: 'no indicator "no-such-indicator" in indicators.json' },
      { line: 8, column: 'key', message: '"import-test-dry-1" is also the key of the record on line 2: a file names each observation once' },
      { line: 9, column: 'unit', message: "percent differs from its indicator's unit event" },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('a good file passes the dry run and still writes nothing', async () => {
    const before = await counts();
    const answer = await post(csv(row('import-test-dry-ok')), { as: 'culture publisher', query: 'kind=observations&dryRun=true&publish=true' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ state: 'DONE', total: 1, problemCount: 0, problems: [] });
    expect(await counts()).toEqual(before);
  });
});

describe('all or nothing', () => {
  it('a bad last row writes nothing, and the data version stays', async () => {
    const before = await counts();
    const rows = Array.from({ length: 40 }, (_, i) => row(`import-test-batch-${i}`));
    const answer = await post(csv(...rows, row('import-test-batch-bad', { qualifier: 'roughly' })), {
      as: 'culture publisher',
      query: 'kind=observations&publish=true',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toEqual([expect.objectContaining({ line: 42, column: 'qualifier' })]);
    expect(await counts()).toEqual(before);
  });
});

describe('publishing at once, and importing again', () => {
  it('a publisher publishes at once; the same file again changes nothing and bumps no version', async () => {
    const before = await counts();
    const file = csv(row('import-test-pub-1'), row('import-test-pub-2'), row('import-test-pub-3'));
    const first = await post(file, { as: 'culture publisher', query: 'kind=observations&publish=true' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'DONE', total: 3 });
    const after = await counts();
    expect(after).toEqual({ observations: before.observations + 3, drafts: before.drafts + 3, audited: before.audited + 3, version: before.version + 1 });
    expect(await figure('import-test-pub-2')).toEqual({ value: 13, revision: 1 });

    const again = await post(file, { as: 'culture publisher', query: 'kind=observations&publish=true' });
    expect(again.status).toBe(200);
    expect(await counts()).toEqual(after);

    // A changed row is an update from its current revision; the unchanged ones are skipped.
    const changed = await post(csv(row('import-test-pub-1'), row('import-test-pub-2', { label_en: 'Synthetic test figure (changed)' })), {
      as: 'culture publisher',
      query: 'kind=observations&publish=true',
    });
    expect(changed.status).toBe(200);
    expect(await counts()).toEqual({ ...after, drafts: after.drafts + 1, audited: after.audited + 1, version: after.version + 1 });
    expect(await figure('import-test-pub-2')).toEqual({ value: 13, revision: 2 });
  });

  it('a program and its child in one file publish together: the child names a parent the file itself adds', async () => {
    const program = (slug: string, parent: string | null) => ({
      slug,
      domain: 'culture',
      kind: 'event_series',
      status: 'ongoing',
      name_zh: `导入测试 ${slug}`,
      name_en: `Import test ${slug}`,
      description_zh: null,
      description_en: null,
      start_date: null,
      end_date: null,
      lead_organization_slug: null,
      division_code: null,
      parent_slug: parent,
      facilities: [],
      citations: [{ source: 'dadukou-2023-livelihood', quote: '“花开的声音”沉浸式音乐会一经推出便收获广泛好评' }],
    });
    const file = JSON.stringify([program('import-test-series', null), program('import-test-series-part', 'import-test-series')]);
    const answer = await post(file, { as: 'culture publisher', query: 'kind=programs&publish=true', type: 'application/json' });
    expect(answer.body).toMatchObject({ state: 'DONE', total: 2, problemCount: 0 });
    const [child] = await db.rows<{ parent: string }>(sql`
      select p.slug as parent from programs c join programs p on p.id = c.parent_id where c.slug = 'import-test-series-part'`);
    expect(child).toEqual({ parent: 'import-test-series' });
  });

  it('reads CSV with a BOM, CRLF lines and quoted fields holding commas, quotes and newlines', async () => {
    const label = 'A figure, "quoted", and\r\non two lines';
    const file = `\uFEFF${HEADER}\r\n${row('import-test-bom', { label_en: `"${label.replace(/"/g, '""')}"` })}\r\n`;
    const answer = await post(file, { as: 'culture publisher', query: 'kind=observations&publish=true' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [stored] = await db.rows<{ record: { label_en: string } }>(
      sql`select record from published_records where kind = 'observations' and key = 'import-test-bom'`,
    );
    expect(stored!.record.label_en).toBe(label);
  });

  it('JSON files hold records in the shape of the seed files; problems name the line of the record', async () => {
    const record = (key: string, value: number) => ({
      key,
      indicator: 'sound-of-blossoms-concerts-held',
      value,
      qualifier: 'exact',
      unit: 'event',
      measure: 'cumulative',
      status: 'actual',
      period: { end: '2023-12-31' },
      label_zh: '13场',
      label_en: 'Synthetic test figure',
      citation: { source: 'dadukou-2023-livelihood', quote: '目前已举办13场' },
    });
    const file = JSON.stringify([record('import-test-json-1', 13), record('import-test-json-2', 12)], null, 2);
    const answer = await post(file, { as: 'culture publisher', query: 'kind=observations&dryRun=true', type: 'application/json' });
    expect(answer.status).toBe(422);
    const second = file.split('\n').findIndex((text, i) => i > 1 && text === '  {') + 1;
    expect(answer.body.problems![0]).toEqual({ line: second, column: 'value', message: '12 is not a number of its label "13场" (it states 13)' });
  });
});

describe('who may import', () => {
  it('an editor outside the records’ scope gets 403 and nothing is written', async () => {
    const before = await counts();
    const answer = await post(csv(row('import-test-scope')), { as: 'elderly editor' });
    expect(answer.status).toBe(403);
    expect(answer.body.problems![0]).toMatchObject({ line: 2, column: 'key', message: expect.stringContaining('domain CULTURE') });
    expect(await counts()).toEqual(before);
  });

  it('anonymous callers get 401, readers 403, and editors may not publish at once', async () => {
    expect((await post(csv(row('import-test-role')))).status).toBe(401);
    expect((await post(csv(row('import-test-role')), { as: 'reader' })).status).toBe(403);
    const editorPublishing = await post(csv(row('import-test-role')), { as: 'culture editor', query: 'kind=observations&publish=true' });
    expect(editorPublishing.status).toBe(403);
    expect(editorPublishing.body.error).toMatch(/only the publisher or admin roles may publish an import at once/);
  });

  it('an editor’s records become drafts for review: the public sees nothing and the version stays', async () => {
    const before = await counts();
    const answer = await post(csv(row('import-test-draft-1'), row('import-test-draft-2')), { as: 'culture editor' });
    expect(answer.status).toBe(200);
    expect(await counts()).toEqual({ ...before, drafts: before.drafts + 2, audited: before.audited + 2 });
    expect(await figure('import-test-draft-1')).toBeUndefined();
    const drafts = await api.data('{ drafts(status: PENDING, kind: OBSERVATION) { nodes { key operation author } } }', undefined, as('culture publisher'));
    expect(drafts.drafts.nodes.map((draft: { key: string }) => draft.key).sort()).toEqual(['import-test-draft-1', 'import-test-draft-2']);
    // The same file again: its drafts are pending as they are, so nothing changes.
    expect((await post(csv(row('import-test-draft-1'), row('import-test-draft-2')), { as: 'culture editor' })).status).toBe(200);
    expect(await counts()).toEqual({ ...before, drafts: before.drafts + 2, audited: before.audited + 2 });
  });
});

describe('import jobs', () => {
  it('POST answers 202 with a job; importJob reports its progress to its sender and admins only', async () => {
    const accepted = await post(csv(row('import-test-job-1'), row('import-test-job-2')), {
      as: 'culture publisher',
      query: 'kind=observations&publish=true',
      wait: false,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), state: 'VALIDATING' });
    let job;
    for (let i = 0; i < 100; i++) {
      job = (await api.data(JOB, { id: accepted.body.id }, as('culture publisher'))).importJob;
      if (job.state === 'DONE' || job.state === 'INVALID' || job.state === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(job).toMatchObject({
      kind: 'observations',
      state: 'DONE',
      publish: true,
      dryRun: false,
      processed: 2,
      total: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      problems: [],
    });
    expect((await api.data(JOB, { id: accepted.body.id }, as('culture editor'))).importJob).toBeNull();
    expect((await api.data(JOB, { id: accepted.body.id }, as('admin'))).importJob.state).toBe('DONE');
    const anonymous = await api.query(JOB, { id: accepted.body.id });
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('lists the first 100 problems and says how many more there are', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => row(`import-test-many-${i}`, { value: 'x' }));
    const answer = await post(csv(...rows), { as: 'culture publisher', wait: true });
    const job = (await api.data(JOB, { id: answer.body.id }, as('culture publisher'))).importJob;
    expect(job).toMatchObject({ state: 'INVALID', problemCount: 120, moreProblems: 20 });
    expect(job.problems).toHaveLength(100);
  });
});

describe('limits before work', () => {
  it('a body past the limit is refused with 413 before it is read; a wrong type with 415; no kind with 400', async () => {
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${api.url}/imports?kind=observations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys['culture editor']}`, 'content-type': 'text/csv', 'content-length': String(100 * 1024 * 1024) },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode!, body });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.write(HEADER);
    });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).error).toBe('The file is larger than the 67108864 bytes an import takes: split it into several files.');
    const wrongType = await post(csv(row('import-test-type')), { as: 'culture editor', type: 'text/plain' });
    expect(wrongType).toEqual({ status: 415, body: { error: 'Send the file as Content-Type text/csv or application/json, not "text/plain".' } });
    const noKind = await post(csv(row('import-test-type')), { as: 'culture editor', query: '' });
    expect(noKind.status).toBe(400);
    expect(noKind.body.error).toMatch(/\?kind=facilities\|programs\|/);
  });
});
