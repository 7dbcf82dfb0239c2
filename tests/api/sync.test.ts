import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { seedDadukou } from '../../src/composition/seeds.js';
import { GraphQLClient } from '../../src/sync/client.js';
import { CursorRefused } from '../../src/sync/follow.js';
import { Mirror } from '../../src/sync/mirror.js';
import type { SyncStep } from '../../src/sync/progress.js';
import { mirrored, nodeFields, recordKinds, type MirroredRecord, type RecordKind, type RecordRead } from '../../src/sync/records.js';
import { syncOnce } from '../../src/sync/syncer.js';
import { startApi, type TestApi } from '../support/api.js';
import { generator } from '../support/random.js';
import { seededWithout, type SeededWithout } from '../support/seededWithout.js';

// The sync client of issue 18 against a live server: a full sync, a seeded-random mix of changes through the
// mutations, an incremental sync from the feed, and the mirror compared with the server row by row, field by
// field, tombstones included. The server side is read through the public API, apart from the sync code.
const CANTEEN = 'gudu-community-elderly-canteen';
const PAYLOAD = 'revision userErrors { field code message }';
const CREATE = `mutation ($input: CreateRecordInput!) { createRecord(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { ${PAYLOAD} } }`;
const RETIRE = `mutation ($input: RetireRecordInput!) { retireRecord(input: $input) { ${PAYLOAD} } }`;

let seeded: SeededWithout;
let api: TestApi;
let admin: Record<string, string>;
let client: GraphQLClient;
const mirrors: Mirror[] = [];
const directories: string[] = [];

beforeAll(async () => {
  seeded = await seededWithout(CANTEEN);
  api = await startApi({ db: seeded.db });
  admin = { authorization: `Bearer ${(await createApiKey(seeded.db, 'sync test', 'standard', { role: 'admin' })).key}` };
  client = new GraphQLClient(`${api.url}/graphql`);
});
afterAll(async () => {
  for (const mirror of mirrors) await mirror.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  await api?.close();
  await seeded?.close();
});

async function newMirror(): Promise<Mirror> {
  const directory = mkdtempSync(path.join(tmpdir(), 'minsheng-mirror-'));
  directories.push(directory);
  const mirror = await Mirror.open(directory);
  mirrors.push(mirror);
  return mirror;
}

const asOf = (version: number | undefined) => (version === undefined ? '' : `@asOf(version: ${version})`);

/** Every record of every kind as the server answers it now (or at `version`): the lists, then the tombstones the feed names. */
async function serverSide(version?: number): Promise<Record<string, MirroredRecord[]>> {
  const side: Record<string, MirroredRecord[]> = {};
  const listed = new Set<string>();
  for (const kind of recordKinds) {
    side[kind.list] = [];
    let after: string | null = null;
    do {
      const page: any = (
        await api.data(
          `query ($after: String) ${asOf(version)} { list: ${kind.list}(first: 100, after: $after) { nodes { ${kind.fields} } pageInfo { hasNextPage endCursor } } }`,
          { after },
        )
      ).list;
      for (const node of page.nodes) {
        side[kind.list]!.push(mirrored(kind, node));
        listed.add(node.id);
      }
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
  }
  const unlisted = new Map<string, Set<string>>(recordKinds.map((kind) => [kind.name, new Set()]));
  let after: string | null = null;
  do {
    const feed: any = (
      await api.data(`query ($after: String) ${asOf(version)} { changes(after: $after, first: 500) { changes { id kind } endCursor hasNextPage } }`, { after })
    ).changes;
    for (const change of feed.changes) if (!listed.has(change.id)) unlisted.get(change.kind)!.add(change.id);
    after = feed.hasNextPage ? feed.endCursor : null;
  } while (after);
  for (const kind of recordKinds) {
    const ids = [...unlisted.get(kind.name)!];
    for (let start = 0; start < ids.length; start += 100) {
      const { nodes } = await api.data(`query ($ids: [ID!]!) ${asOf(version)} { nodes(ids: $ids) { ${nodeFields(kind)} } }`, {
        ids: ids.slice(start, start + 100),
      });
      for (const node of nodes as RecordRead[]) {
        expect(node.retiredAt, `${node.id} is in no list, so it must be retired`).not.toBeNull();
        side[kind.list]!.push(mirrored(kind, node));
      }
    }
  }
  for (const records of Object.values(side)) records.sort(byId);
  return side;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function mirrorSide(mirror: Mirror): Promise<Record<string, MirroredRecord[]>> {
  const side: Record<string, MirroredRecord[]> = {};
  for (const kind of recordKinds) side[kind.list] = (await mirror.records(kind)).sort(byId);
  return side;
}

const tombstones = (side: Record<string, MirroredRecord[]>) => Object.values(side).flatMap((records) => records.filter((record) => record.retired));

/** A record as the server has it now: its ID and revision, and the field a test changes. */
async function current(kind: RecordKind, key: string): Promise<RecordRead> {
  const id = Buffer.from(`${kind.typename}:${key}`, 'utf8').toString('base64url');
  return (await api.data(`query ($id: ID!) { node(id: $id) { ${nodeFields(kind)} } }`, { id })).node;
}

async function publish(mutation: string, field: string, input: Record<string, unknown>): Promise<void> {
  const answer = (await api.data(mutation, { input: { ...input, publish: true } }, admin))[field];
  expect(answer.userErrors, JSON.stringify(input)).toEqual([]);
}

async function update(kindName: RecordKind['name'], key: string, changes: Record<string, unknown>): Promise<string> {
  const kind = recordKinds.find((candidate) => candidate.name === kindName)!;
  const record = await current(kind, key);
  await publish(UPDATE, 'updateRecord', { kind: kindName, key, expectedRevision: record.revision, changes });
  return record.id;
}

async function retire(kindName: RecordKind['name'], key: string): Promise<string> {
  const kind = recordKinds.find((candidate) => candidate.name === kindName)!;
  const record = await current(kind, key);
  await publish(RETIRE, 'retireRecord', { kind: kindName, key, expectedRevision: record.revision, reason: 'retired by the sync test' });
  return record.id;
}

async function keysOf(list: string, key: string): Promise<string[]> {
  return (await api.data(`{ ${list}(first: 100) { nodes { ${key} } } }`))[list].nodes.map((node: Record<string, string>) => node[key]);
}

const fail = (when: (step: SyncStep) => boolean) => ({
  beforeCommit(step: SyncStep) {
    if (when(step)) throw new Error(`injected failure at ${JSON.stringify(step)}`);
  },
});

describe('a mirror kept by the sync client', () => {
  let mirror: Mirror;
  let retiredFigures: string[] = [];

  it('a full sync mirrors every record of every kind, as the server answers it', async () => {
    mirror = await newMirror();
    const version = await client.currentDataVersion();
    const report = await syncOnce(client, mirror);
    expect(report).toMatchObject({ mode: 'full', dataVersion: version });
    const server = await serverSide();
    for (const kind of recordKinds) expect(server[kind.list]!.length, kind.list).toBeGreaterThan(0);
    expect(await mirrorSide(mirror)).toEqual(server);
    expect(await mirror.state()).toMatchObject({ serverUrl: client.url, dataVersion: version });
    // Nothing new: a second sync reads the feed, finds nothing, and reads no record.
    expect(await syncOnce(client, mirror)).toEqual({ mode: 'incremental', dataVersion: version, changesRead: 0, recordsFetched: 0, tombstonesWritten: 0 });
  });

  it('after a random mix of changes, it reads from the feed just the records changed, and the two sides are equal', async () => {
    const random = generator(18);
    const facilities = await keysOf('facilities', 'slug');
    const programs = await keysOf('programs', 'slug');
    const organizations = await keysOf('organizations', 'slug');
    const figures = await keysOf('observations', 'key');
    const edits: (() => Promise<string>)[] = [];
    for (let n = 0; n < 14; n++) {
      const [kind, keys, fields] = random.pick([
        ['FACILITY', facilities, ['name_en', 'description_en']],
        ['PROGRAM', programs, ['name_en', 'description_en']],
        ['ORGANIZATION', organizations, ['name_en']],
      ] as const);
      const key = random.pick(keys);
      const field = random.pick(fields);
      edits.push(() => update(kind, key, { [field]: `${field} of ${key}, edit ${n} of the sync test` }));
    }
    const pool = [...figures];
    retiredFigures = Array.from({ length: 5 }, () => pool.splice(random.int(pool.length), 1)[0]!);
    for (const key of retiredFigures) edits.push(() => retire('OBSERVATION', key));
    for (let i = edits.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [edits[i], edits[j]] = [edits[j]!, edits[i]!];
    }
    // The left-out facility is created, edited and retired among them, in that order.
    const createdAt = random.int(edits.length);
    const editedAt = createdAt + 1 + random.int(edits.length - createdAt);
    edits.splice(createdAt, 0, async () => {
      await publish(CREATE, 'createRecord', { kind: 'FACILITY', record: seeded.facility });
      return (
        await current(
          recordKinds.find((kind) => kind.name === 'FACILITY')!,
          CANTEEN,
        )
      ).id;
    });
    edits.splice(editedAt, 0, () => update('FACILITY', CANTEEN, { name_en: 'The Gudu canteen, edited by the sync test' }));
    edits.push(() => retire('FACILITY', CANTEEN));

    const changed = new Set<string>();
    for (const edit of edits) changed.add(await edit());
    expect(edits.length).toBeGreaterThanOrEqual(20);

    const report = await syncOnce(client, mirror);
    expect(report).toEqual({
      mode: 'incremental',
      dataVersion: await client.currentDataVersion(),
      changesRead: edits.length,
      recordsFetched: changed.size,
      tombstonesWritten: retiredFigures.length + 1,
    });
    const mirror_ = await mirrorSide(mirror);
    expect(mirror_).toEqual(await serverSide());
    const buried = tombstones(mirror_).map((record) => record.key);
    expect(buried).toEqual(expect.arrayContaining([...retiredFigures, CANTEEN]));
  });

  it('a restore reaches the mirror: seeding again brings the retired figures back, live', async () => {
    // The API has no mutation to restore a record; seeding from the files again is the path that does.
    await seedDadukou(seeded.db, seeded.seedsDir);
    const report = await syncOnce(client, mirror);
    expect(report.mode).toBe('incremental');
    expect(report.changesRead).toBeGreaterThanOrEqual(retiredFigures.length);
    const mirror_ = await mirrorSide(mirror);
    expect(mirror_).toEqual(await serverSide());
    const figures = mirror_.observations!.filter((record) => retiredFigures.includes(record.key));
    expect(figures.map((record) => record.retired)).toEqual(retiredFigures.map(() => false));
    expect(tombstones(mirror_).map((record) => record.key)).toContain(CANTEEN);
  });

  it('a sync that fails after reading but before committing leaves the mirror as it was, and the next one converges', async () => {
    const before = { state: await mirror.state(), records: await mirrorSide(mirror) };
    const [first, second] = await keysOf('facilities', 'slug');
    const changed = new Set([
      await update('FACILITY', first!, { name_en: 'Renamed before an interrupted sync' }),
      await update('FACILITY', second!, { description_en: 'Described before an interrupted sync' }),
      await retire('OBSERVATION', retiredFigures[0]!),
    ]);
    await expect(syncOnce(client, mirror, { hooks: fail((step) => step.phase === 'feed') })).rejects.toThrow(/injected failure/);
    expect(await mirror.state()).toEqual(before.state);
    expect(await mirrorSide(mirror)).toEqual(before.records);

    const report = await syncOnce(client, mirror);
    expect(report).toMatchObject({ mode: 'incremental', changesRead: 3, recordsFetched: changed.size, tombstonesWritten: 1 });
    expect(await mirrorSide(mirror)).toEqual(await serverSide());
  });
});

describe('a full sync while the server is written to', () => {
  it('is one snapshot, at the data version it began at; the next sync brings the writes made meanwhile', async () => {
    const mirror = await newMirror();
    const [program] = await keysOf('programs', 'slug');
    const [figure] = await keysOf('observations', 'key');
    let written = false;
    const began = await client.currentDataVersion();
    const report = await syncOnce(client, mirror, {
      hooks: {
        // Facilities are mirrored before programs and figures: these writes land between pages of one snapshot.
        async beforeCommit(step) {
          if (written || step.phase !== 'list' || step.kind !== 'FACILITY') return;
          written = true;
          await update('PROGRAM', program!, { name_en: 'Renamed during a full sync' });
          await retire('OBSERVATION', figure!);
        },
      },
    });
    expect(written).toBe(true);
    expect(report).toMatchObject({ mode: 'full', dataVersion: began });
    expect(await mirrorSide(mirror)).toEqual(await serverSide(began));
    expect(await mirrorSide(mirror)).not.toEqual(await serverSide());

    expect(await syncOnce(client, mirror)).toMatchObject({ mode: 'incremental', dataVersion: began + 2, changesRead: 2, recordsFetched: 2 });
    expect(await mirrorSide(mirror)).toEqual(await serverSide());
  });

  it('a full sync cut short leaves no cursor: the next sync starts over, and converges', async () => {
    const mirror = await newMirror();
    await expect(syncOnce(client, mirror, { hooks: fail((step) => step.phase === 'tombstones') })).rejects.toThrow(/injected failure/);
    expect(await mirror.state()).toBeUndefined();
    expect(await syncOnce(client, mirror)).toMatchObject({ mode: 'full' });
    expect(await mirrorSide(mirror)).toEqual(await serverSide());
  });
});

describe('a mirror that cannot follow', () => {
  it('a cursor the server refuses stops the sync with what to do; a full sync makes the mirror again', async () => {
    const mirror = await newMirror();
    await syncOnce(client, mirror);
    const state = (await mirror.state())!;
    await mirror.write((write) => write.saveState({ ...state, cursor: 'a-cursor-of-another-server' }));
    await expect(syncOnce(client, mirror)).rejects.toThrow(CursorRefused);
    await expect(syncOnce(client, mirror)).rejects.toThrow(/sync in full again \(--full\)/);
    expect(await syncOnce(client, mirror, { full: true })).toMatchObject({ mode: 'full' });
    expect(await mirrorSide(mirror)).toEqual(await serverSide());
  });

  it('a mirror of one server is not followed from another', async () => {
    const mirror = await newMirror();
    await syncOnce(client, mirror);
    const elsewhere = new GraphQLClient(`${api.url}/graphql?elsewhere`);
    await expect(syncOnce(elsewhere, mirror)).rejects.toThrow(/This mirror is of .* not .*elsewhere/);
  });
});
