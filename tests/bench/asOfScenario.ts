/**
 * The time-travel scenario (issue #18, "Speed and size"): after ten revisions of the same tenth of the
 * figures, how a read at a past data version (`Minsheng-As-Of`, src/db/pastRead.ts) compares with the same
 * read at the current one. The revisions are written as one UPDATE each, straight to the database: the
 * history triggers record them as they record the API's writes (a version each, every old row state kept),
 * and 100,000 figures a revision through the API would take longer than the benchmark. Asked at the version
 * after the fifth revision, so the past read must pass over newer states and older ones alike.
 * Every answer during the load is compared, byte for byte, with the one expected.
 */
import postgres from 'postgres';
import { measure, type LoadResult, type LoadSettings } from './load.js';
import { readCpu, waitForQuietMachine } from './machine.js';
import type { Operation } from './queries.js';
import type { Target } from './report.js';
import type { RunningServer } from './servers.js';

const REVISIONS = 10;
/** The revision whose version the past reads ask for. */
const ASKED_REVISION = 5;
/** Figures whose id leaves this remainder by 10 are revised: a tenth of them. */
const REVISED_SHARE = 'id % 10 = 0';
const QUERIES = ['time series', 'filtered list'];
const TARGET_SCALE = '1m';
const MAX_RATIO = 2;
const QUIET_CPU_PERCENT = 15;
const QUIET_WAIT_SECONDS = 5;

export interface AsOfRead {
  query: string;
  current: LoadResult;
  asOf: LoadResult;
}

export interface AsOfScenarioResult {
  revisions: number;
  revisedFigures: number;
  /** Seconds the ten revisions took to commit, their history included. */
  revisionSeconds: number;
  askedVersion: number;
  currentVersion: number;
  /** Row states the figures' history holds after the revisions. */
  historyRows: number;
  reads: AsOfRead[];
  problems: string[];
}

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown>; errors?: unknown[]; extensions?: { dataVersion?: number } };
}

async function ask(server: RunningServer, operation: Operation, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(operation),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Answer['body'] };
}

type Series = { key: string; value: number }[];
const seriesOf = (answer: Answer) => (answer.body.data?.indicator as { observations: { nodes: Series } }).observations.nodes;

export async function runAsOfScenario(
  minsheng: RunningServer,
  databaseUrl: string,
  options: { mix: { name: string; minsheng: Operation }[]; load: LoadSettings; say: (line: string) => void },
): Promise<AsOfScenarioResult> {
  const problems: string[] = [];
  const queries = options.mix.filter((query) => QUERIES.includes(query.name));
  const timeSeries = queries.find((query) => query.name === 'time series');
  if (!timeSeries || queries.length !== QUERIES.length) throw new Error(`The query mix lacks one of: ${QUERIES.join(', ')}`);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const before = await ask(minsheng, timeSeries.minsheng);
    const keys = seriesOf(before).map((figure) => figure.key);
    const revisedKeys = new Set(
      (await sql<{ key: string }[]>`select key from observations where key = any(${keys}) and ${sql.unsafe(REVISED_SHARE)}`).map((row) => row.key),
    );

    options.say(`as of: ${REVISIONS} revisions of the figures where ${REVISED_SHARE}…`);
    const started = Date.now();
    const versions: number[] = [];
    let revisedFigures = 0;
    for (let revision = 1; revision <= REVISIONS; revision++) {
      await sql.begin(async (tx) => {
        const changed = await tx.unsafe(`update observations set value = value + 1, revision = revision + 1 where ${REVISED_SHARE}`);
        revisedFigures = changed.count;
        const [state] = await tx<{ version: number }[]>`select data_version::int as version from dataset_state`;
        versions.push(state!.version);
      });
    }
    const revisionSeconds = (Date.now() - started) / 1000;
    const askedVersion = versions[ASKED_REVISION - 1]!;
    const currentVersion = versions[REVISIONS - 1]!;
    const [history] = await sql<{ rows: number }[]>`select count(*)::int as rows from history.observations`;
    await sql`vacuum (analyze) observations, history.observations`;
    options.say(
      `as of: ${revisedFigures} figures revised ${REVISIONS} times in ${revisionSeconds.toFixed(1)} s; asking version ${askedVersion} of ${currentVersion}`,
    );

    // Each query's answer now and at the asked version, checked before the load, then expected of every answer.
    const asOfHeaders = { 'minsheng-as-of': String(askedVersion) };
    const expected = new Map<string, { current: string; asOf: string }>();
    for (const query of queries) {
      const deadline = Date.now() + 10_000;
      let current = await ask(minsheng, query.minsheng);
      while (current.body.extensions?.dataVersion !== currentVersion && Date.now() < deadline) current = await ask(minsheng, query.minsheng);
      const past = await ask(minsheng, query.minsheng, asOfHeaders);
      if (current.status !== 200 || current.body.errors || current.body.extensions?.dataVersion !== currentVersion)
        problems.push(`${query.name}: the current answer is not at version ${currentVersion}: ${current.text.slice(0, 200)}`);
      if (past.status !== 200 || past.body.errors || past.body.extensions?.dataVersion !== askedVersion)
        problems.push(`${query.name}: the past answer is not at version ${askedVersion}: ${past.text.slice(0, 200)}`);
      if (query === timeSeries) {
        const shifted = (by: number) => seriesOf(before).map((f) => ({ ...f, value: f.value + (revisedKeys.has(f.key) ? by : 0) }));
        const values = (series: Series) => JSON.stringify(series.map((f) => [f.key, f.value]));
        if (values(seriesOf(current)) !== values(shifted(REVISIONS))) problems.push(`time series: the current figures are not the revised ones`);
        if (values(seriesOf(past)) !== values(shifted(ASKED_REVISION)))
          problems.push(`time series: the figures as of ${askedVersion} are not those of revision ${ASKED_REVISION}`);
        if (revisedKeys.size === 0) problems.push('time series: none of its figures was revised, so the past read shows nothing');
      } else if (JSON.stringify(current.body.data) !== JSON.stringify(past.body.data)) {
        problems.push(`${query.name}: its rows were not revised, yet the past answer differs from the current one`);
      }
      expected.set(query.name, { current: current.text, asOf: past.text });
    }

    const reads: AsOfRead[] = [];
    for (const query of queries) {
      const bodies = expected.get(query.name)!;
      const run = async (request: { headers?: Record<string, string>; expectBody: string }) => {
        await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
        return measure(minsheng.url, query.minsheng, options.load, () => readCpu(minsheng.pid), request);
      };
      const currentRuns: LoadResult[] = [];
      const asOfRuns: LoadResult[] = [];
      for (let round = 0; round < options.load.rounds; round++) {
        // Alternating which goes first, as the mix does.
        if (round % 2 === 0) {
          currentRuns.push(await run({ expectBody: bodies.current }));
          asOfRuns.push(await run({ headers: asOfHeaders, expectBody: bodies.asOf }));
        } else {
          asOfRuns.push(await run({ headers: asOfHeaders, expectBody: bodies.asOf }));
          currentRuns.push(await run({ expectBody: bodies.current }));
        }
      }
      const read = { query: query.name, current: middleRun(currentRuns), asOf: middleRun(asOfRuns) };
      for (const [name, result] of [
        ['current', read.current],
        ['as of', read.asOf],
      ] as const) {
        const failed = result.errors + result.non2xx + (result.mismatches ?? 0);
        if (failed) problems.push(`${query.name} (${name}): ${result.errors} errors, ${result.non2xx} non-2xx, ${result.mismatches} bodies not as expected`);
      }
      options.say(
        `as of: ${query.name}: current p50 ${read.current.p50Ms} ms (${read.current.requestsPerSecond} req/s), ` +
          `as of ${askedVersion} p50 ${read.asOf.p50Ms} ms (${read.asOf.requestsPerSecond} req/s)`,
      );
      reads.push(read);
    }
    return { revisions: REVISIONS, revisedFigures, revisionSeconds, askedVersion, currentVersion, historyRows: history!.rows, reads, problems };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The run with the median p50 of several (its own numbers kept together). */
function middleRun(runs: LoadResult[]): LoadResult {
  return [...runs].sort((a, b) => a.p50Ms - b.p50Ms)[(runs.length - 1) >> 1]!;
}

export function asOfTable(scaleName: string, result: AsOfScenarioResult): string {
  return [
    `### Reading at a past data version (${scaleName})`,
    '',
    `${result.revisedFigures} figures (a tenth) revised ${result.revisions} times, one UPDATE a revision, committed with their history in ` +
      `${result.revisionSeconds.toFixed(1)} s; the figures' history holds ${result.historyRows} row states. Past reads ask for version ` +
      `${result.askedVersion} (after revision ${ASKED_REVISION}) with \`Minsheng-As-Of\`; current reads are at ${result.currentVersion}. ` +
      `Every answer was compared with the one expected.`,
    '',
    '| query | current req/s | current p50 ms | as of req/s | as of p50 ms | p50 as of / current |',
    '|---|---:|---:|---:|---:|---:|',
    ...result.reads.map(
      (read) =>
        `| ${read.query} | ${read.current.requestsPerSecond} | ${read.current.p50Ms} | ${read.asOf.requestsPerSecond} | ${read.asOf.p50Ms} | ` +
        `${(read.asOf.p50Ms / read.current.p50Ms).toFixed(2)}× |`,
    ),
  ].join('\n');
}

export function asOfTargets(scales: { scale: { name: string }; asOf?: AsOfScenarioResult }[]): Target[] {
  const target = scales.find((scale) => scale.scale.name === TARGET_SCALE)?.asOf;
  if (!target) return [{ name: `${TARGET_SCALE}: past reads`, met: null, detail: `the as-of scenario did not run at ${TARGET_SCALE}` }];
  const ratios = target.reads.map((read) => `${read.query} ${(read.asOf.p50Ms / read.current.p50Ms).toFixed(2)}×`);
  return [
    {
      name: `${TARGET_SCALE}: after ${target.revisions} revisions of a tenth of the figures, a past read's p50 ≤ ${MAX_RATIO}× the current read's`,
      met: target.reads.every((read) => read.asOf.p50Ms <= MAX_RATIO * read.current.p50Ms),
      detail: ratios.join('; '),
    },
    { name: 'every past and current read answered as expected', met: target.problems.length === 0, detail: target.problems.slice(0, 3).join('; ') || 'none' },
  ];
}
