import { createClient, type Client } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import type { TestApi } from '../support/api.js';
import { twoInstances, type TwoInstances } from '../support/twoInstances.js';

// Live updates: `subscription { changes }` over Server-Sent Events (graphql-sse). One instance publishes, a
// stream opened on another receives the change. Both poll the data version only once a minute, so the
// change can only arrive in time through PostgreSQL's NOTIFY at commit (on PostgreSQL the second instance
// has connections of its own to the same database; PGlite is one process's, shared by both servers).
const CARE_HOME = 'kaier-xinyi-care-home';
const UPDATE = 'mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { revision userErrors { message } } }';
const SUBSCRIPTION =
  'subscription ($after: String, $types: [RecordKind!]) { changes(after: $after, types: $types) { kind key operation revision dataVersion cursor } }';
const settings = { dataVersionPollMs: 60_000 };

let instances: TwoInstances;
let publisher: TestApi;
let reader: TestApi;
let admin: Record<string, string>;
const clients: Client[] = [];

beforeAll(async () => {
  instances = await twoInstances('gudu-community-elderly-canteen', settings);
  ({ first: publisher, second: reader } = instances);
  admin = { authorization: `Bearer ${(await createApiKey(instances.seeded.db, 'admin', 'standard', { role: 'admin' })).key}` };
});
afterAll(async () => {
  for (const client of clients) client.dispose();
  await instances?.close();
});

function streamClient(api: TestApi, headers: Record<string, string> = {}): Client {
  const client = createClient({ url: `${api.url}/graphql/stream`, headers, retryAttempts: 0 });
  clients.push(client);
  return client;
}

async function rename(to: string): Promise<{ revision: number; committedAt: number }> {
  const { revision } = (await publisher.data(`{ facility(slug: "${CARE_HOME}") { revision } }`)).facility;
  const answer = (
    await publisher.data(UPDATE, { input: { kind: 'FACILITY', key: CARE_HOME, expectedRevision: revision, publish: true, changes: { name_en: to } } }, admin)
  ).updateRecord;
  expect(answer.userErrors).toEqual([]);
  return { revision: answer.revision, committedAt: Date.now() };
}

describe('subscription { changes } over Server-Sent Events', () => {
  it('a publish on one instance reaches a stream on another within a second', async () => {
    // From the feed's end as it is now: however late the stream starts, the publish below is the next change.
    const { endCursor } = (await reader.data('{ changes(types: [FACILITY], first: 500) { endCursor } }')).changes;
    const events = streamClient(reader).iterate({ query: SUBSCRIPTION, variables: { after: endCursor, types: ['FACILITY'] } });
    const first = events.next();
    const { revision, committedAt } = await rename('Kaier Xinyi Care Home (live)');
    const event = await first;
    const arrivedAfter = Date.now() - committedAt;
    expect(event.value).toMatchObject({ data: { changes: { kind: 'FACILITY', key: CARE_HOME, operation: 'UPDATE', revision } } });
    expect(arrivedAfter).toBeLessThan(1000);
    await events.return?.();
  });

  it('resumes after a cursor: the changes since come first, then the new ones, in order', async () => {
    const feed = (await reader.data('{ changes(types: [FACILITY], first: 500) { changes { key revision cursor } } }')).changes.changes;
    const last = feed.at(-1);
    const before = feed.at(-2);
    const events = streamClient(reader).iterate({ query: SUBSCRIPTION, variables: { after: before.cursor, types: ['FACILITY'] } });
    const replayed = await events.next();
    expect(replayed.value).toMatchObject({ data: { changes: { key: last.key, revision: last.revision } } });
    const pending = events.next();
    const { revision } = await rename('Kaier Xinyi Care Home (resumed)');
    expect((await pending).value).toMatchObject({ data: { changes: { key: CARE_HOME, revision } } });
    await events.return?.();
  });

  it('is authenticated like a query: a key that is not one is refused 401 before anything runs', async () => {
    const response = await fetch(`${reader.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer not-a-key' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('serves subscriptions only, and /graphql points subscriptions here', async () => {
    const query = await fetch(`${reader.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: '{ facilities { totalCount } }' }),
    });
    expect(query.status).toBe(400);
    expect(await query.text()).toMatch(/send this query to \/graphql/);
    const atGraphql = await reader.query(SUBSCRIPTION);
    expect(atGraphql.status).toBe(400);
    expect(atGraphql.body.errors?.[0]?.message).toMatch(/\/graphql\/stream/);
  });

  it('refuses a body over its limit with 413, and a sixth stream of one caller with 429', async () => {
    const tooLong = await fetch(`${reader.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription { changes { key } } # ${'x'.repeat(20_000)}` }),
    });
    expect(tooLong.status).toBe(413);
    const open = new AbortController();
    const streams = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${reader.url}/graphql/stream`, {
          method: 'POST',
          signal: open.signal,
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: SUBSCRIPTION }),
        }),
      ),
    );
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await fetch(`${reader.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(sixth.status).toBe(429);
    expect(await sixth.text()).toMatch(/At most 5 change streams per caller/);
    open.abort();
  });
});
