import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/db/connection.js';
import { defaultSeedsDir } from '../../src/db/seed/readSeeds.js';
import { seedDadukou } from '../../src/composition/seeds.js';
import { SeedError } from '../../src/db/seed/index.js';
import { dataChanged } from '../../src/db/write.js';
import { toGlobalId } from '../../src/graphql/globalId.js';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';
import { databaseUrl, openTestDatabase, testBackend } from '../support/databases.js';

let api: TestApi;
let brokenDir: string;
beforeAll(async () => {
  api = await startApi();
  brokenDir = mkdtempSync(path.join(tmpdir(), 'minsheng-seeds-'));
});
afterAll(async () => {
  await api?.close();
  rmSync(brokenDir, { recursive: true, force: true });
});

async function snapshot() {
  const [row] = await api.db.rows<{ version: number; facilities: number; observations: number; names: string }>(sql`
    select (select data_version from dataset_state)::int as version, (select count(*) from facilities)::int as facilities,
      (select count(*) from observations)::int as observations, (select string_agg(name_zh, ',' order by id) from facilities) as names`);
  return row!;
}

type Edit = (records: Record<string, unknown>[]) => void;

/** A copy of the seeds with one file changed by `edit`. */
function seedsWith(file: string, edit: Edit): string {
  return seedsWithEdits({ [file]: edit });
}

/** A copy of the seeds with each named file changed by its edit. */
function seedsWithEdits(edits: Record<string, Edit>): string {
  rmSync(brokenDir, { recursive: true, force: true });
  cpSync(defaultSeedsDir, brokenDir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const records = JSON.parse(readFileSync(path.join(brokenDir, file), 'utf8'));
    edit(records);
    writeFileSync(path.join(brokenDir, file), JSON.stringify(records));
  }
  return brokenDir;
}

/** Takes the records matching `removed` out of a file's list (in place). */
const without =
  (removed: (record: Record<string, unknown>) => boolean): Edit =>
  (records) => {
    records.splice(0, records.length, ...records.filter((record) => !removed(record)));
  };

describe('seeding', () => {
  it('is idempotent: loading the seeds again changes nothing, not even the data version', async () => {
    const before = await snapshot();
    expect(await seedDadukou(api.db)).toEqual({ changed: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('applies a changed record as an update, bumping the data version once', async () => {
    const before = await snapshot();
    const dir = seedsWith('facilities.json', (records) => {
      records[0]!.name_en = 'Renamed for the test';
    });
    expect(await seedDadukou(api.db, dir)).toEqual({ changed: 1 });
    const after = await snapshot();
    expect(after.version).toBe(before.version + 1);
    expect(await seedDadukou(api.db)).toEqual({ changed: 1 }); // and back
  });

  it('a changed figure reaches the aggregates at once (the yearly totals are recomputed with the write)', async () => {
    // A value must agree with its quote (the loader checks), so the change moves a figure to another indicator of
    // the same unit and kind: 23万元 of operating subsidies joins the integrated-care spending of 2023.
    const moved = 'private-institution-operating-subsidies-2023';
    const records = JSON.parse(readFileSync(path.join(defaultSeedsDir, 'observations.json'), 'utf8')) as { key: string; indicator: string; value: number }[];
    const target = 'integrated-care-investment';
    const total = async () =>
      (
        await api.data<{ observationAggregate: { count: number; sum: number }[] }>(
          'query ($code: String!) { observationAggregate(groupBy: [], filter: { indicatorCode: [$code] }) { count sum } }',
          { code: target },
        )
      ).observationAggregate[0]!;
    const before = await total();
    expect(
      await seedDadukou(
        api.db,
        seedsWith('observations.json', (all) => {
          (all.find((r) => r.key === moved) as { indicator: string }).indicator = target;
        }),
      ),
    ).toEqual({ changed: 1 });
    expect(await total()).toEqual({ count: before.count + 1, sum: before.sum + records.find((r) => r.key === moved)!.value });
    expect(await seedDadukou(api.db)).toEqual({ changed: 1 }); // and back
    expect(await total()).toEqual(before);
  });

  it('retires a record removed from its file: it is found nowhere, and putting it back restores it under the same ID', async () => {
    // The 钢花影剧院 (linked from its revitalisation program, which must then drop the link) and the 68 concerts of 2023.
    const [theatre, concerts, program] = ['ganghua-theatre', 'classical-concerts-held-2023', 'ganghua-theatre-revitalisation'];
    const view = async () =>
      api.data<Record<string, any>>(
        `query ($theatre: String!, $program: String!, $theatreId: ID!, $concertsId: ID!) {
      facility(slug: $theatre) { id name }
      facilities(first: 100) { totalCount nodes { slug } }
      search(query: "钢花影剧院", types: [FACILITY]) { nodes { ... on Facility { slug } } }
      concerts: search(query: "音乐会", types: [OBSERVATION]) { nodes { ... on Observation { key } } }
      program(slug: $program) { facilities { nodes { slug } } }
      node(id: $theatreId) { id }
      nodes(ids: [$theatreId, $concertsId]) { id }
      events: observationAggregate(groupBy: [YEAR], filter: { indicatorCode: ["cultural-events-held"] }) { year count sum }
      everyFigure: observationAggregate(groupBy: [YEAR], filter: { indicatorCode: ["cultural-events-held"], value: { gt: -1 } }) { year count sum }
    }`,
        { theatre, program, theatreId: toGlobalId('Facility', theatre), concertsId: toGlobalId('Observation', concerts) },
      );
    const rowIds = () =>
      api.db.rows<{ facility: number; observation: number; facilities: number }>(sql`select (select id from facilities where slug = ${theatre}) as "facility",
      (select id from observations where key = ${concerts}) as "observation", (select count(*)::int from facilities) as "facilities"`);

    const before = await view();
    const idsBefore = await rowIds();
    expect(before.facility.id).toBe(toGlobalId('Facility', theatre));
    expect(before.facilities.nodes.map((f: { slug: string }) => f.slug)).toContain(theatre);
    expect(before.search.nodes).toEqual([{ slug: theatre }]);
    expect(before.concerts.nodes).toContainEqual({ key: concerts });
    expect(before.program.facilities.nodes).toEqual([{ slug: theatre }]);
    expect(before.nodes).toEqual([{ id: toGlobalId('Facility', theatre) }, { id: toGlobalId('Observation', concerts) }]);
    expect(before.events).toEqual([{ year: 2023, count: 2, sum: 88 }]);
    const { version } = await snapshot();

    const removed = seedsWithEdits({
      'facilities.json': without((f) => f.slug === theatre),
      'programs.json': (records) => {
        for (const p of records) p.facilities = (p.facilities as { slug: string }[]).filter((link) => link.slug !== theatre);
      },
      'organizations.json': (records) => {
        for (const o of records) o.links = ((o.links ?? []) as { facility?: string }[]).filter((link) => link.facility !== theatre);
      },
      'observations.json': without((o) => o.key === concerts),
    });
    expect((await seedDadukou(api.db, removed)).changed).toBeGreaterThanOrEqual(2);
    expect((await snapshot()).version).toBe(version + 1); // one write, one version
    const gone = await view();
    expect(gone).toMatchObject({
      facility: null,
      // A tombstone: node still answers a retired record, so that syncing clients see it go.
      node: { id: before.node.id },
      nodes: before.nodes,
      search: { nodes: [] },
      program: { facilities: { nodes: [] } },
      events: [{ year: 2023, count: 1, sum: 20 }],
      everyFigure: [{ year: 2023, count: 1, sum: 20 }],
    });
    expect(gone.facilities.totalCount).toBe(before.facilities.totalCount - 1);
    expect(gone.facilities.nodes.map((f: { slug: string }) => f.slug)).not.toContain(theatre);
    expect(gone.concerts.nodes).not.toContainEqual({ key: concerts });
    // Named in a filter, a retired key is as unknown as a misspelt one.
    const byKey = await api.query('query ($concerts: String!) { observations(filter: { key: [$concerts] }) { nodes { key } } }', { concerts });
    expect(byKey.body.errors?.[0]?.message).toContain(`observation key "${concerts}", which does not exist`);
    expect(await seedDadukou(api.db, removed)).toEqual({ changed: 0 }); // retired once, not again

    expect((await seedDadukou(api.db)).changed).toBeGreaterThanOrEqual(2); // put back
    expect((await snapshot()).version).toBe(version + 2);
    expect(await view()).toEqual(before);
    expect(await rowIds()).toEqual(idsBefore); // the same rows, live again: no id taken anew
  });

  it('rejects a bad file whole, naming file, record and field, and writes nothing', async () => {
    const before = await snapshot();
    const dir = seedsWith('facilities.json', (records) => {
      records[2]!.category = 'spaceport';
      records.push({ ...records[0], slug: 'a-new-place', name_zh: '新地方' }); // valid, but must not be written either
    });
    const error = await seedDadukou(api.db, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedError);
    const message = (error as SeedError).message;
    expect(message).toContain('Seed data rejected, nothing was written');
    expect(message).toMatch(/facilities\.json: record 3 \("[a-z0-9-]+"\): field "category": Invalid option: expected one of "school"\|/);
    expect(await snapshot()).toEqual(before);
  });

  it('rejects quotes that do not occur verbatim in their source, and dangling references', async () => {
    const dir = seedsWith('observations.json', (records) => {
      (records[0]!.citation as { quote: string }).quote = '大渡口区累计投资约47亿元';
      records[1]!.indicator = 'no-such-indicator';
    });
    const message = ((await seedDadukou(api.db, dir).catch((e: unknown) => e)) as Error).message;
    expect(message).toMatch(
      /observations\.json: record 1 \("[a-z0-9-]+"\): field "citation\.quote": does not occur verbatim in source dadukou-2023-livelihood/,
    );
    expect(message).toMatch(/observations\.json: record 2 \("[a-z0-9-]+"\): field "indicator": no indicator "no-such-indicator" in indicators\.json/);
  });

  it("rejects a figure whose measure does not fit its indicator's kind, and an indicator without a kind", async () => {
    const figures = seedsWith('observations.json', (records) => {
      (records.find((r) => r.key === 'classical-concerts-held-2023') as { measure: string }).measure = 'level'; // a flow's figure as a stock
    });
    const message = ((await seedDadukou(api.db, figures).catch((e: unknown) => e)) as Error).message;
    expect(message).toMatch(
      /observations\.json: record \d+ \("classical-concerts-held-2023"\): field "measure": a figure of a flow indicator is count or cumulative, not level/,
    );
    const indicators = seedsWith('indicators.json', (records) => {
      delete records[0]!.kind;
    });
    expect(((await seedDadukou(api.db, indicators).catch((e: unknown) => e)) as Error).message).toMatch(
      /indicators\.json: record 1 \("cultural-events-held"\): field "kind": Invalid option/,
    );
  });

  it('rejects a file that is not JSON', async () => {
    rmSync(brokenDir, { recursive: true, force: true });
    cpSync(defaultSeedsDir, brokenDir, { recursive: true });
    writeFileSync(path.join(brokenDir, 'programs.json'), '[{"slug": ');
    const message = ((await seedDadukou(api.db, brokenDir).catch((e: unknown) => e)) as Error).message;
    expect(message).toContain('programs.json: not valid JSON');
  });
});

// One connection (PGlite) cannot show two sessions at once: PostgreSQL only.
describe.runIf(testBackend() === 'postgres')('a write in progress (PostgreSQL only: PGlite has one session, so no read can run beside a write)', () => {
  it('does not hold aggregates up: they answer from the yearly totals as they were until it commits', async () => {
    const db = await openTestDatabase(inject('seeded'));
    const reader = await startApi({ db });
    const writer = await connect({ kind: 'postgres', url: databaseUrl(db.name), poolSize: 1 });
    // By year alone reads the coarser rollup, by division and year the finer one (drizzle/0019): recomputing
    // either must leave it readable.
    const aggregate =
      '{ byYear: observationAggregate(groupBy: [YEAR]) { year count } byDivision: observationAggregate(groupBy: [DIVISION, YEAR]) { division { code } year count } }';
    try {
      const before = await reader.data(aggregate);
      await writer.drizzle
        .transaction(async (tx) => {
          await tx.execute(sql`update observations set period_end = period_end + interval '1 year', period_start = period_start + interval '1 year'`);
          await dataChanged(tx);
          // The transaction ends only after this read: had the recomputation locked the totals (a plain
          // REFRESH, a TRUNCATE), the read would wait for it until the statement timeout, and answer an error.
          const during = await reader.query(aggregate);
          expect(withoutExtensions(during.body)).toEqual({ data: before });
          tx.rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof TransactionRollbackError)) throw error;
        });
      expect(await reader.data(aggregate)).toEqual(before);
    } finally {
      await writer.close();
      await reader.close();
      await db.close();
    }
  });
});
