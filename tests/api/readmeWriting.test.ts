import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';

// The README's "Writing" example, run as written on a fresh copy of the seeded data: each GraphQL block is
// sent with the key its first line names, and must answer the JSON block that follows it.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Writing\n'), readme.indexOf('\n## ', readme.indexOf('\n## Writing\n') + 1));
const steps = [...section.matchAll(/```graphql\n([\s\S]*?)```\n```json\n([\s\S]*?)```/g)].map(([, query, answer]) => ({
  query: query!,
  answer: JSON.parse(answer!) as unknown,
  as: /^# as the (\w+)/.exec(query!)?.[1],
}));

let api: TestApi;
const keys: Record<string, string> = {};
beforeAll(async () => {
  api = await startApi();
  // The keys the README's commands make (npm run keys calls createApiKey).
  keys.editor = (await createApiKey(api.db, 'Civil affairs app', 'standard', { role: 'editor', domains: ['elderly_care'] })).key;
  keys.publisher = (await createApiKey(api.db, 'Civil affairs office', 'standard', { role: 'publisher', domains: ['elderly_care'] })).key;
  keys.admin = (await createApiKey(api.db, 'Data office', 'standard', { role: 'admin' })).key;
});
afterAll(async () => {
  await api?.close();
});

it('the README writing example answers as the README says, step by step', async () => {
  expect(section).toContain('npm run keys -- create --name "Civil affairs app" --role editor --domain ELDERLY_CARE');
  expect(steps.map((step) => step.as)).toEqual(['editor', 'publisher', undefined, 'admin']);
  for (const step of steps) {
    const answer = await api.query(step.query, undefined, step.as ? { authorization: `Bearer ${keys[step.as]}` } : {});
    expect(withoutExtensions(answer.body), step.query).toEqual(step.answer);
  }
});
