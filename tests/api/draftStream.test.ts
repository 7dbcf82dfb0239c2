import { createClient, type Client } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/api.js';
import { createKeys } from '../support/keys.js';
import { twoInstances, type TwoInstances } from '../support/twoInstances.js';

// Live drafts: `subscription { draftChanges }` over Server-Sent Events. Drafts are proposed and decided on one
// instance; streams opened on another receive the drafts their callers may see, and no other. The second
// instance polls the data version once a minute and drafts bump no version at all, so a draft can only arrive
// through PostgreSQL's NOTIFY at commit (on PostgreSQL the instances have connections of their own).
const CARE_HOME = 'kaier-xinyi-care-home';
const SCHOOL = 'gongmin-primary-school';
const STREAM = 'subscription ($types: [RecordKind!]) { draftChanges(types: $types) { id kind key operation status author publishedRevision } }';
const UPDATE = 'mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { draft { id } userErrors { message } } }';
const PUBLISH = 'mutation ($input: PublishDraftInput!) { publishDraft(input: $input) { revision userErrors { message } } }';
const FACILITY = 'query ($slug: String!) { facility(slug: $slug) { revision } }';
const settings = { dataVersionPollMs: 60_000 };

let instances: TwoInstances;
let writer: TestApi;
let streams: TestApi;
let keys: Record<string, string>;
const clients: Client[] = [];

beforeAll(async () => {
  instances = await twoInstances('gudu-community-elderly-canteen', settings);
  ({ first: writer, second: streams } = instances);
  keys = await createKeys(instances.seeded.db, {
    reader: { role: 'reader' },
    'elderly editor': { role: 'editor', domains: ['elderly_care'] },
    'elderly publisher': { role: 'publisher', domains: ['elderly_care'] },
    'education editor': { role: 'editor', domains: ['education'] },
  });
});
afterAll(async () => {
  for (const client of clients) client.dispose();
  await instances?.close();
});

const as = (name: string) => ({ authorization: `Bearer ${keys[name]}` });

/** A stream of `draftChanges` for the key named, and when it is open (the server follows drafts from then on). */
function openStream(name: string | undefined, variables: Record<string, unknown> = {}) {
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const client = createClient({ url: `${streams.url}/graphql/stream`, headers: name ? as(name) : {}, retryAttempts: 0, on: { connected: () => opened() } });
  clients.push(client);
  const events = client.iterate({ query: STREAM, variables });
  return { events, next: () => events.next(), open };
}

async function propose(editor: string, slug: string, nameEn: string): Promise<{ draft: string; committedAt: number }> {
  const { revision } = (await writer.data(FACILITY, { slug })).facility;
  const answer = (await writer.data(UPDATE, { input: { kind: 'FACILITY', key: slug, expectedRevision: revision, changes: { name_en: nameEn } } }, as(editor)))
    .updateRecord;
  expect(answer.userErrors).toEqual([]);
  return { draft: answer.draft.id, committedAt: Date.now() };
}

describe('subscription { draftChanges } over Server-Sent Events', () => {
  it('sends each stream the drafts its caller may see, proposed and published on another instance, within a second', async () => {
    const elderly = openStream('elderly editor');
    const education = openStream('education editor', { types: ['FACILITY'] });
    const elderlyFirst = elderly.next();
    const educationFirst = education.next();
    await Promise.all([elderly.open, education.open]);

    const careHome = await propose('elderly editor', CARE_HOME, 'Kaier Xinyi Care Home (draft)');
    const proposed = await elderlyFirst;
    const arrivedAfter = Date.now() - careHome.committedAt;
    expect(proposed.value).toEqual({
      data: {
        draftChanges: {
          id: careHome.draft,
          kind: 'FACILITY',
          key: CARE_HOME,
          operation: 'UPDATE',
          status: 'PENDING',
          author: expect.stringContaining('(elderly editor)'),
          publishedRevision: null,
        },
      },
    });
    expect(arrivedAfter).toBeLessThan(1000);

    // The school's draft is the education editor's first: the care home's, outside its scope, never came.
    const school = await propose('education editor', SCHOOL, 'Gongmin Primary School (draft)');
    expect((await educationFirst).value).toMatchObject({ data: { draftChanges: { id: school.draft, key: SCHOOL, status: 'PENDING' } } });

    // Published: the care home's draft comes again, as it is now; the school's, committed before, never came.
    const elderlyNext = elderly.next();
    const published = (await writer.data(PUBLISH, { input: { draft: careHome.draft } }, as('elderly publisher'))).publishDraft;
    expect(published.userErrors).toEqual([]);
    expect((await elderlyNext).value).toMatchObject({
      data: { draftChanges: { id: careHome.draft, key: CARE_HOME, status: 'PUBLISHED', publishedRevision: published.revision } },
    });
    await elderly.events.return?.();
    await education.events.return?.();
  });

  it('is not for the public: anonymous callers are told to send a key, readers that they have no part in review', async () => {
    const anonymous = await openStream(undefined).next();
    expect(anonymous.value).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const reader = await openStream('reader').next();
    expect(reader.value).toMatchObject({ errors: [{ message: expect.stringContaining('Your role is reader'), extensions: { code: 'FORBIDDEN' } }] });
  });
});
