import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { auditCommand } from '../../src/cli/audit.js';
import { auditLog } from '../../src/db/tables/index.js';
import { startApi, type TestApi } from '../support/api.js';
import { databaseUrl, testBackend } from '../support/databases.js';

// The audit log's read side: `auditLog` for admins only, `npm run audit`, and the append-only trigger. The
// mutations that write entries come later, so the entries here are inserted directly.
const root = path.resolve(import.meta.dirname, '../..');

let api: TestApi;
let keys: Record<'admin' | 'editor' | 'publisher' | 'reader', string>;
let offices: { id: number; slug: string }[];

const FIELDS = 'id at principal role organizations operation outcome kind key draftId revision before after detail requestId';
const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) { entries { ${FIELDS} } endCursor hasNextPage }
}`;

const museum = { slug: 'dadukou-museum', name: { zh: '大渡口博物馆' } };

beforeAll(async () => {
  api = await startApi();
  offices = await api.db.rows<{ id: number; slug: string }>(sql`select id, slug from organizations where retired_at is null order by slug limit 2`);
  expect(offices).toHaveLength(2);
  const [first, second] = offices as [{ id: number; slug: string }, { id: number; slug: string }];
  keys = {
    admin: (await createApiKey(api.db, 'Data office', 'standard', { role: 'admin' })).key,
    editor: (await createApiKey(api.db, 'Museum editor', 'standard', { role: 'editor', organizations: [first.slug] })).key,
    publisher: (await createApiKey(api.db, 'Culture publisher', 'standard', { role: 'publisher', domains: ['culture'] })).key,
    reader: (await createApiKey(api.db, 'Newsroom', 'standard')).key,
  };
  // Oldest first, so ids grow with time as they do when entries are appended.
  await api.db.drizzle.insert(auditLog).values([
    {
      at: new Date('2026-01-05T10:00:00Z'),
      principal: 'key 2 (Museum editor)',
      role: 'editor',
      organizationIds: [second.id, first.id],
      operation: 'create',
      outcome: 'proposed',
      kind: 'facilities',
      key: 'dadukou-museum',
      draftId: 1,
      after: museum,
      requestId: 'request-1',
    },
    {
      at: new Date('2026-01-06T10:00:00Z'),
      principal: 'key 3 (Culture publisher)',
      role: 'publisher',
      operation: 'publish',
      outcome: 'published',
      kind: 'facilities',
      key: 'dadukou-museum',
      draftId: 1,
      revision: 1,
      after: museum,
    },
    {
      at: new Date('2026-01-07T10:00:00Z'),
      principal: 'anonymous 10.0.0.1',
      role: 'anonymous',
      operation: 'update',
      outcome: 'refused',
      kind: 'programs',
      key: 'tongxin-alliance',
      detail: 'Only editors, publishers and admins propose changes.\nSend a key.',
    },
    {
      at: new Date('2026-01-08T10:00:00Z'),
      principal: 'key 2 (Museum editor)',
      role: 'editor',
      organizationIds: [first.id],
      operation: 'update',
      outcome: 'conflict',
      kind: 'facilities',
      key: 'dadukou-museum',
      revision: 2,
      before: museum,
      detail: 'made from revision 1; the record is at revision 2',
    },
    {
      at: new Date('2026-02-01T10:00:00Z'),
      principal: 'key 1 (Data office)',
      role: 'admin',
      operation: 'reject',
      outcome: 'rejected',
      kind: 'facilities',
      key: 'yuxin-primary-school',
      draftId: 2,
      detail: '重复的记录',
    },
  ]);
});
afterAll(async () => {
  await api?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

interface Entry {
  id: string;
  at: string;
  key: string | null;
  outcome: string;
  [field: string]: unknown;
}
interface Page {
  auditLog: { entries: Entry[]; endCursor: string | null; hasNextPage: boolean };
}

const readAsAdmin = (variables: Record<string, unknown> = {}) => api.data<Page>(AUDIT_LOG, variables, bearer(keys.admin));
const outcomes = (page: Page) => page.auditLog.entries.map((entry) => entry.outcome);

describe('auditLog', () => {
  it('an admin reads every entry, newest first, each with all it recorded', async () => {
    const { auditLog: page } = await readAsAdmin();
    expect(outcomes({ auditLog: page })).toEqual(['REJECTED', 'CONFLICT', 'REFUSED', 'PUBLISHED', 'PROPOSED']);
    expect(page.hasNextPage).toBe(false);
    const ids = page.entries.map((entry) => Number(entry.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const [first, second] = offices as [{ id: number; slug: string }, { id: number; slug: string }];
    expect(page.entries.at(-1)).toEqual({
      id: String(ids.at(-1)),
      at: '2026-01-05T10:00:00.000Z',
      principal: 'key 2 (Museum editor)',
      role: 'editor',
      organizations: [second.slug, first.slug],
      operation: 'CREATE',
      outcome: 'PROPOSED',
      kind: 'FACILITY',
      key: 'dadukou-museum',
      draftId: '1',
      revision: null,
      before: null,
      after: museum,
      detail: null,
      requestId: 'request-1',
    });
    // One statement for the key, one for the page with its organizations' slugs.
    expect((await api.query(AUDIT_LOG, {}, bearer(keys.admin))).sqlStatements).toBe(2);
    expect(page.entries[1]).toMatchObject({ revision: 2, before: museum, after: null, organizations: [first.slug] });
    expect(page.entries[2]).toMatchObject({ role: 'anonymous', organizations: [], kind: 'PROGRAM', detail: expect.stringContaining('\nSend a key.') });
  });

  it('pages by cursor: each page older than the last, none twice, and the last says so', async () => {
    const all = (await readAsAdmin()).auditLog.entries.map((entry) => entry.id);
    const seen: string[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    do {
      const { auditLog: page }: Page = await readAsAdmin({ first: 2, after });
      seen.push(...page.entries.map((entry) => entry.id));
      pages.push(page.hasNextPage);
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
    expect(seen).toEqual(all);
    expect(pages).toEqual([true, true, false]);
    const empty = await readAsAdmin({ first: 0 });
    expect(empty.auditLog).toEqual({ entries: [], endCursor: null, hasNextPage: false });
  });

  it('filters by kind, key, operation, outcome and time, all together too', async () => {
    expect(outcomes(await readAsAdmin({ filter: { kind: 'FACILITY' } }))).toEqual(['REJECTED', 'CONFLICT', 'PUBLISHED', 'PROPOSED']);
    expect(outcomes(await readAsAdmin({ filter: { kind: 'FACILITY', key: 'dadukou-museum' } }))).toEqual(['CONFLICT', 'PUBLISHED', 'PROPOSED']);
    expect(outcomes(await readAsAdmin({ filter: { operation: 'UPDATE' } }))).toEqual(['CONFLICT', 'REFUSED']);
    expect(outcomes(await readAsAdmin({ filter: { outcome: 'REFUSED' } }))).toEqual(['REFUSED']);
    // `since` includes its instant, `until` does not.
    expect(outcomes(await readAsAdmin({ filter: { since: '2026-01-06T10:00:00Z', until: '2026-01-08T10:00:00Z' } }))).toEqual(['REFUSED', 'PUBLISHED']);
    expect(outcomes(await readAsAdmin({ filter: { since: '2026-01-06T10:00:00Z', operation: 'UPDATE', kind: 'FACILITY' } }))).toEqual(['CONFLICT']);
    expect(outcomes(await readAsAdmin({ filter: { key: 'no-such-record' } }))).toEqual([]);
  });

  it('refuses a page over 200, a bad cursor and a range that ends before it starts, saying what to change', async () => {
    const tooMany = await api.query(AUDIT_LOG, { first: 201 }, bearer(keys.admin));
    expect(tooMany.body.data).toBeNull();
    expect(tooMany.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining("`first: 201` is over the audit log's page size limit of 200"),
      extensions: { code: 'BAD_USER_INPUT', argument: 'first', limit: 200 },
    });
    const cursor = await api.query(AUDIT_LOG, { after: 'bm90LWEtY3Vyc29y' }, bearer(keys.admin));
    expect(cursor.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('is not a cursor of the audit log'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const backwards = await api.query(AUDIT_LOG, { filter: { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } }, bearer(keys.admin));
    expect(backwards.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('is after `until`'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('anyone but an admin is refused: 403 FORBIDDEN for keys of other roles, 401 UNAUTHENTICATED without one', async () => {
    // The admin first, twice: the text is then answered without Apollo (provenAnswer.ts), and must refuse all the same.
    expect((await api.query(AUDIT_LOG, {}, bearer(keys.admin))).status).toBe(200);
    expect((await api.query(AUDIT_LOG, {}, bearer(keys.admin))).headers.get('x-ran-by')).toBe('proven');
    const names = { editor: 'Museum editor', publisher: 'Culture publisher', reader: 'Newsroom' };
    for (const role of ['editor', 'publisher', 'reader'] as const) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const answer = await api.query(AUDIT_LOG, {}, bearer(keys[role]));
        expect(answer.status, `${role}: ${JSON.stringify(answer.body)}`).toBe(403);
        expect(answer.body.data).toBeNull();
        expect(answer.body.errors).toEqual([
          expect.objectContaining({
            message: `The audit log is for admins; "${names[role]}" is ${role === 'editor' ? 'an' : 'a'} ${role}. Use an admin's key or token.`,
            extensions: { code: 'FORBIDDEN' },
          }),
        ]);
      }
    }
    const anonymous = await api.query(AUDIT_LOG);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="minsheng"');
    expect(anonymous.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('send an admin'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('is about the caller: never cached, even for an admin', async () => {
    const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ auditLog(first: 1) { hasNextPage } }')}`, {
      headers: { accept: 'application/json', ...bearer(keys.admin) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('audit_log is append-only', () => {
  it.each([
    ['UPDATE', sql`update audit_log set detail = 'rewritten'`],
    ['DELETE', sql`delete from audit_log`],
    ['TRUNCATE', sql`truncate audit_log`],
  ])('%s fails with the trigger’s message and changes nothing', async (operation, statement) => {
    // Drizzle on PGlite wraps the database's error in one of its own: the trigger's is its cause.
    const error = await api.db.rows(statement).then(
      () => undefined,
      (thrown: { cause?: { message?: string; code?: string } } & Error) => thrown.cause ?? thrown,
    );
    expect(error).toMatchObject({ message: `audit_log is append-only: ${operation} is not allowed`, code: '42501' });
    const [{ count }] = (await api.db.rows<{ count: number }>(sql`select count(*)::int as count from audit_log where detail is distinct from 'rewritten'`)) as [
      { count: number },
    ];
    expect(count).toBe(5);
  });
});

describe('npm run audit', () => {
  /** The command run in this process on the test's database (left open: it is the server's). */
  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await auditCommand(args, async () => ({ ...api.db, close: async () => {} }), { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  }

  it('prints a range oldest first, one aligned line per entry', async () => {
    const { code, out, err } = await run(['--since', '2026-01-01', '--until', '2026-01-31', '--kind', 'facilities']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      '2026-01-05T10:00:00.000Z  key 2 (Museum editor)      create   proposed   facilities/dadukou-museum  -',
      '2026-01-06T10:00:00.000Z  key 3 (Culture publisher)  publish  published  facilities/dadukou-museum  r1',
      '2026-01-08T10:00:00.000Z  key 2 (Museum editor)      update   conflict   facilities/dadukou-museum  r2  made from revision 1; the record is at revision 2',
    ]);
  });

  it('an --until day includes the whole day; --limit stops early and says more follow', async () => {
    const { out } = await run(['--since', '2026-01-07', '--until', '2026-01-07']);
    expect(out).toEqual([
      '2026-01-07T10:00:00.000Z  anonymous 10.0.0.1  update  refused  programs/tongxin-alliance  -  Only editors, publishers and admins propose changes. Send a key.',
    ]);
    const limited = await run(['--since', '2026-01-01', '--limit', '2']);
    expect(limited.out.map((line) => line.slice(0, 24))).toEqual(['2026-01-05T10:00:00.000Z', '2026-01-06T10:00:00.000Z']);
    expect(limited.err).toEqual(['Only the first 2 entries are shown: narrow the range, or raise --limit.']);
    const all = await run([]);
    expect(all.out).toHaveLength(5);
    expect(all.out.at(-1)).toMatch(/^2026-02-01T10:00:00\.000Z {2}key 1 \(Data office\) +reject +rejected +facilities\/yuxin-primary-school +- +重复的记录$/);
  });

  it.each([
    [['--since', 'yesterday'], '--since yesterday is not a time'],
    [['--since', '2026-02-30'], '--since 2026-02-30 is not a time'],
    [['--until', '2026-01-01T08:00'], '--until 2026-01-01T08:00 is not a time'],
    [['--since', '2026-02-01', '--until', '2026-01-01'], '--since 2026-02-01 is after --until 2026-01-01'],
    [['--outcome', 'lost'], '--outcome lost: use proposed, published'],
    [['--limit', 'many'], '--limit many: give a whole number'],
    [['--sinse', '2026-01-01'], "Unknown option '--sinse'"],
  ])('%j is a mistake: exit 2, saying what to change, with the usage', async (args, message) => {
    const { code, out, err } = await run(args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain(message);
    expect(err.join('\n')).toContain('usage:');
  });

  it.runIf(testBackend() === 'postgres')('runs as a command on the server’s PostgreSQL database', { timeout: 60_000 }, async () => {
    const env = { ...process.env, DATABASE_URL: databaseUrl((api.db as unknown as { name: string }).name) };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', '--since', '2026-02-01'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (exitCode) => resolve({ code: exitCode, stdout, stderr }));
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('2026-02-01T10:00:00.000Z  key 1 (Data office)  reject  rejected  facilities/yuxin-primary-school  -  重复的记录\n');
    const mistake = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', '--since', 'soon'], { cwd: root, env, stdio: 'ignore' }).on('exit', resolve);
    });
    expect(mistake).toBe(2);
  });
});
