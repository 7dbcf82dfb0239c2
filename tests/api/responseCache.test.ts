import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

// The response cache: whole answers kept per query, variables and language while the data version holds.
let api: TestApi;
beforeAll(async () => {
  api = await startApi({ settings: { responseCacheMaxBytes: 1024 * 1024, dataVersionPollMs: 100 } });
});
afterAll(async () => {
  await api?.close();
});

const query = `query($slug: String!) { facility(slug: $slug) { slug name } }`;
const get = (variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`, { headers: { accept: 'application/json', ...headers } });

describe('response cache', () => {
  it('a repeated read is answered from memory, with no SQL, the same bytes and an ETag', async () => {
    const first = await get({ slug: 'yuxin-primary-school' });
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(Number(first.headers.get('x-sql-statements'))).toBeGreaterThan(0);
    const second = await get({ slug: 'yuxin-primary-school' });
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.headers.get('x-sql-statements')).toBe('0');
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });

  it('variables and language are part of the key', async () => {
    await get({ slug: 'gongmin-primary-school' });
    const other = await get({ slug: 'jingxiang-primary-school' });
    expect(other.headers.get('x-cache')).toBe('miss');
    expect(((await other.json()) as any).data.facility.slug).toBe('jingxiang-primary-school');
    const english = await get({ slug: 'gongmin-primary-school' }, { 'accept-language': 'en' });
    expect(english.headers.get('x-cache')).toBe('miss');
    expect(((await english.json()) as any).data.facility.name).toBe('Gongmin Primary School');
  });

  it('a query after a comment or a fragment is cached exactly like the same query without them', async () => {
    const ask = (text: string) => fetch(`${api.url}/graphql?${new URLSearchParams({ query: text })}`, { headers: { accept: 'application/json' } });
    const plain = '{ division(code: "500104") { code name } }';
    for (const text of [plain, `# the district\n${plain}`, `fragment D on Division { code name }\n{ division(code: "500104") { ...D } }`]) {
      const first = await ask(text);
      const second = await ask(text);
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')], text).toEqual(['miss', 'hit']);
      expect(second.headers.get('x-sql-statements'), text).toBe('0');
      expect(second.headers.get('cache-control'), text).toMatch(/^public, max-age=\d+$/);
      expect(await second.text(), text).toBe(await first.text());
    }
    // A mutation behind a comment is still a mutation: refused, and never cached.
    const mutation = await ask('# harmless\nmutation { x }');
    expect(mutation.headers.get('x-cache')).toBeNull();
    expect(mutation.headers.get('cache-control') ?? '').not.toMatch(/public|max-age/);
    expect((await ask('# harmless\nmutation { x }')).headers.get('x-cache')).toBeNull();
  });

  it('If-None-Match with the current ETag gets 304 without running anything', async () => {
    const first = await get({ slug: 'dadukou-museum' });
    const etag = first.headers.get('etag')!;
    const revalidated = await get({ slug: 'dadukou-museum' }, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('x-sql-statements')).toBe('0');
    expect(revalidated.headers.get('etag')).toBe(etag);
  });

  it('a write (a bumped data version) drops the cache and changes the ETag', async () => {
    const before = await get({ slug: 'ganghua-theatre' });
    const etag = before.headers.get('etag')!;
    await api.db.rows(sql`update facilities set name_zh = '钢花影剧院（测试改名）' where slug = 'ganghua-theatre'`);
    await api.db.rows(sql`update dataset_state set data_version = data_version + 1`);
    // Revalidated until the poll sees the bump; bounded only because a missed bump would answer 304 forever.
    let after = await get({ slug: 'ganghua-theatre' }, { 'if-none-match': etag });
    for (const deadline = Date.now() + 30_000; after.status === 304 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await get({ slug: 'ganghua-theatre' }, { 'if-none-match': etag });
    }
    expect(after.status).toBe(200);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as any).data.facility.name).toBe('钢花影剧院（测试改名）');
  });

  it('answers with errors and answers about the caller are never kept', async () => {
    const bad = `{ facilities(filter: { divisionCode: "nowhere" }) { totalCount } }`;
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${api.url}/graphql?${new URLSearchParams({ query: bad })}`, { headers: { accept: 'application/json' } });
      expect(response.headers.get('x-cache')).toBeNull();
    }
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${api.url}/graphql?${new URLSearchParams({ query: '{ rateLimit { remaining } }' })}`, {
        headers: { accept: 'application/json' },
      });
      expect(response.headers.get('x-cache')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });
});
