/**
 * The write scenario (issue #17, "Speed"): how long a single-figure publish takes, the yearly totals included,
 * and what 20 publishes a second cost the readers. Writes go through the API, to real figures of the seeds
 * (an English label changes and changes back), so each publish rewrites an observation row and its totals are
 * recomputed: editors' drafts published by a publisher, and publishers' own changes published at once
 * (`publish: true`), which the 20 a second are. Every answer is checked.
 */
import { availableParallelism } from 'node:os';
import { sql } from 'drizzle-orm';
import { createApiKey } from '../../src/access/apiKeys.js';
import { connect } from '../../src/db/connection.js';
import { median, percentile, measure, type LoadResult, type LoadSettings } from './load.js';
import { cpuBetween, readCpu, waitForQuietMachine } from './machine.js';
import type { Operation } from './queries.js';
import type { Target } from './report.js';
import type { RunningServer } from './servers.js';

const SEQUENTIAL_PUBLISHES = 200;
export const PUBLISHES_PER_SECOND = 20;
const TARGET_SCALE = '1m';
const QUIET_CPU_PERCENT = 15;
const QUIET_WAIT_SECONDS = 5;
const MARK = ' [bench]';

interface Figure {
  key: string;
  revision: number;
  label: string;
  marked: boolean;
}

export interface WriteRead {
  query: string;
  /** Minsheng's req/s without writes, measured just before the run with writes (the same length, on the same warm server). */
  minshengWithout: number;
  minsheng: LoadResult;
  postgraphile: LoadResult;
  /** Publishes completed during the two measurements, per second. */
  publishesPerSecond: number;
}

export interface WriteScenarioResult {
  figures: number;
  /** One publish after another: the publish request's round trip, ms. */
  sequential: {
    publishes: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    proposeP50Ms: number;
    atOnceP50Ms: number;
    atOnceP95Ms: number;
    /** CPU one publish at once costs, ms: the server's and PostgreSQL's (what 20 a second take from the readers). */
    atOnceCpuMs: { server: number; postgres: number };
  };
  /** Cores of this machine: the share of them the writes take is the least the readers lose. */
  cores: number;
  reads: WriteRead[];
  /** Publishes during the reads: round trip p95 under load, and how many failed (conflict, error). */
  underLoad: { publishes: number; p95Ms: number; failures: number };
  problems: string[];
}

const MUTATION_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** A key for the writes (an admin's) and the seeded figures to edit, read from the database. */
async function prepare(databaseUrl: string): Promise<{ key: string; figures: Figure[] }> {
  const db = await connect({ kind: 'postgres', url: databaseUrl, poolSize: 1 });
  try {
    const { key } = await createApiKey(db, 'bench writer', 'partner', { role: 'admin' });
    const rows = await db.rows<{ key: string; revision: number; label: string }>(sql`
      select o.key, o.revision, p.record->>'label_en' as label from observations o
      join published_records p on p.kind = 'observations' and p.key = o.key where o.retired_at is null order by o.key`);
    return { key, figures: rows.map((row) => ({ key: row.key, revision: Number(row.revision), label: row.label, marked: row.label.endsWith(MARK) })) };
  } finally {
    await db.close();
  }
}

async function post(url: string, key: string, query: string, variables: object): Promise<{ ms: number; data: any; errors?: unknown }> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { ...MUTATION_HEADERS, authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  return { ms: performance.now() - started, data: body.data, errors: body.errors ?? (response.status === 200 ? undefined : `HTTP ${response.status}`) };
}

const PROPOSE =
  'mutation ($key: String!, $label: String!, $revision: Int!) { updateRecord(input: { kind: OBSERVATION, key: $key, changes: { label_en: $label }, expectedRevision: $revision }) { draft { id } userErrors { code message } } }';
const PUBLISH = 'mutation ($draft: ID!) { publishDraft(input: { draft: $draft }) { revision userErrors { code message } } }';
const PUBLISH_AT_ONCE =
  'mutation ($key: String!, $label: String!, $revision: Int!) { updateRecord(input: { kind: OBSERVATION, key: $key, changes: { label_en: $label }, expectedRevision: $revision, publish: true }) { revision userErrors { code message } } }';

/** A publisher's own change, published in one request (`publish: true`): its round trip, or the problem. */
async function publishAtOnce(url: string, key: string, figure: Figure): Promise<{ publishMs: number } | { problem: string }> {
  const label = figure.marked ? figure.label.slice(0, -MARK.length) : `${figure.label}${MARK}`;
  const published = await post(url, key, PUBLISH_AT_ONCE, { key: figure.key, label, revision: figure.revision });
  const revision = published.data?.updateRecord?.revision;
  if (revision !== figure.revision + 1)
    return { problem: `publish at once ${figure.key}: ${JSON.stringify(published.errors ?? published.data?.updateRecord?.userErrors)}` };
  Object.assign(figure, { revision, label, marked: !figure.marked });
  return { publishMs: published.ms };
}

/** Proposes and publishes one change of the figure's English label; the publish's round trip, or the problem. */
async function publishOnce(url: string, key: string, figure: Figure): Promise<{ proposeMs: number; publishMs: number } | { problem: string }> {
  const label = figure.marked ? figure.label.slice(0, -MARK.length) : `${figure.label}${MARK}`;
  const proposed = await post(url, key, PROPOSE, { key: figure.key, label, revision: figure.revision });
  const draft = proposed.data?.updateRecord?.draft?.id;
  if (!draft) return { problem: `propose ${figure.key}: ${JSON.stringify(proposed.errors ?? proposed.data?.updateRecord?.userErrors)}` };
  const published = await post(url, key, PUBLISH, { draft });
  const revision = published.data?.publishDraft?.revision;
  if (revision !== figure.revision + 1)
    return { problem: `publish ${figure.key}: ${JSON.stringify(published.errors ?? published.data?.publishDraft?.userErrors)}` };
  Object.assign(figure, { revision, label, marked: !figure.marked });
  return { proposeMs: proposed.ms, publishMs: published.ms };
}

/** Publishes at a steady rate until stopped, each figure in turn (one in flight per figure). */
function steadyWriter(url: string, key: string, figures: Figure[], perSecond: number) {
  const publishMs: number[] = [];
  const problems: string[] = [];
  const busy = new Set<Figure>();
  let next = 0;
  let failures = 0;
  const startedAt = performance.now();
  const timer = setInterval(() => {
    const figure = figures[next++ % figures.length]!;
    if (busy.has(figure)) return void (failures += 1); // the last change of this figure is still on its way
    busy.add(figure);
    void publishAtOnce(url, key, figure)
      .then((outcome) => {
        if ('problem' in outcome) {
          failures += 1;
          if (problems.length < 5) problems.push(outcome.problem);
        } else publishMs.push(outcome.publishMs);
      })
      .finally(() => busy.delete(figure));
  }, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      while (busy.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      return { publishMs, problems, failures, seconds: (performance.now() - startedAt) / 1000 };
    },
  };
}

export async function runWriteScenario(
  minsheng: RunningServer,
  postgraphile: RunningServer,
  databaseUrl: string,
  options: {
    mix: { name: string; minsheng: Operation; postgraphile: Operation }[];
    load: LoadSettings;
    say: (line: string) => void;
  },
): Promise<WriteScenarioResult> {
  const { key, figures } = await prepare(databaseUrl);
  if (figures.length < 2) throw new Error('the write scenario needs published figures of the seeds to edit');
  const problems: string[] = [];

  await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
  const publishMs: number[] = [];
  const proposeMs: number[] = [];
  for (let n = 0; n < SEQUENTIAL_PUBLISHES; n++) {
    const outcome = await publishOnce(minsheng.url, key, figures[n % figures.length]!);
    if ('problem' in outcome) problems.push(outcome.problem);
    else {
      publishMs.push(outcome.publishMs);
      proposeMs.push(outcome.proposeMs);
    }
  }
  const atOnceMs: number[] = [];
  const cpuBefore = readCpu(minsheng.pid);
  for (let n = 0; n < SEQUENTIAL_PUBLISHES; n++) {
    const outcome = await publishAtOnce(minsheng.url, key, figures[n % figures.length]!);
    if ('problem' in outcome) problems.push(outcome.problem);
    else atOnceMs.push(outcome.publishMs);
  }
  const cpu = cpuBetween(cpuBefore, readCpu(minsheng.pid));
  publishMs.sort((a, b) => a - b);
  atOnceMs.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const sequential = {
    publishes: publishMs.length,
    p50Ms: round(median(publishMs)),
    p95Ms: round(percentile(publishMs, 0.95)),
    p99Ms: round(percentile(publishMs, 0.99)),
    proposeP50Ms: round(median(proposeMs)),
    atOnceP50Ms: round(median(atOnceMs)),
    atOnceP95Ms: round(percentile(atOnceMs, 0.95)),
    atOnceCpuMs: { server: round(cpu.serverMs / SEQUENTIAL_PUBLISHES), postgres: round(cpu.postgresMs / SEQUENTIAL_PUBLISHES) },
  };
  options.say(
    `writes: ${sequential.publishes} reviewed publishes one after another, p50 ${sequential.p50Ms} ms, p95 ${sequential.p95Ms} ms, p99 ${sequential.p99Ms} ms; ` +
      `published at once: p50 ${sequential.atOnceP50Ms} ms, p95 ${sequential.atOnceP95Ms} ms, CPU ${sequential.atOnceCpuMs.server} ms server + ${sequential.atOnceCpuMs.postgres} ms PostgreSQL each`,
  );

  const reads: WriteRead[] = [];
  const underLoad: number[] = [];
  let failures = 0;
  const once = { ...options.load, rounds: 1 };
  for (const query of options.mix) {
    // The baseline next to the run with writes: the query mix's own figures were measured minutes before, on a
    // server and a database that have since served the downloads and the sequential publishes.
    await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
    const withoutWrites = await measure(minsheng.url, query.minsheng, once, () => readCpu(minsheng.pid));
    const writer = steadyWriter(minsheng.url, key, figures, PUBLISHES_PER_SECOND);
    const minshengLoad = await measure(minsheng.url, query.minsheng, once, () => readCpu(minsheng.pid));
    const postgraphileLoad = await measure(postgraphile.url, query.postgraphile, once, () => readCpu(postgraphile.pid));
    const written = await writer.stop();
    underLoad.push(...written.publishMs);
    failures += written.failures;
    problems.push(...written.problems);
    const read: WriteRead = {
      query: query.name,
      minshengWithout: withoutWrites.requestsPerSecond,
      minsheng: minshengLoad,
      postgraphile: postgraphileLoad,
      publishesPerSecond: Math.round((written.publishMs.length / written.seconds) * 10) / 10,
    };
    reads.push(read);
    options.say(
      `writes: ${query.name} with ${read.publishesPerSecond} publishes/s: Minsheng ${minshengLoad.requestsPerSecond} req/s (${read.minshengWithout} without), PostGraphile ${postgraphileLoad.requestsPerSecond} req/s`,
    );
    for (const [server, result] of [
      ['minsheng', minshengLoad],
      ['postgraphile', postgraphileLoad],
    ] as const) {
      if (result.errors || result.non2xx) problems.push(`${query.name} · ${server}: ${result.errors} errors, ${result.non2xx} non-2xx during writes`);
    }
  }
  underLoad.sort((a, b) => a - b);
  return {
    figures: figures.length,
    cores: availableParallelism(),
    sequential,
    reads,
    underLoad: { publishes: underLoad.length, p95Ms: round(percentile(underLoad, 0.95)), failures },
    problems,
  };
}

export function writeTable(scaleName: string, result: WriteScenarioResult): string {
  const r = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(2));
  return [
    `### Writes (${scaleName}): an editor's proposal and a publisher's publication of one figure, through the API`,
    '',
    `One after another, ${result.figures} figures in turn: ${result.sequential.publishes} editors' drafts published by a publisher, publishDraft round trip ` +
      `p50 ${result.sequential.p50Ms} ms, p95 ${result.sequential.p95Ms} ms, p99 ${result.sequential.p99Ms} ms (the proposal before it: p50 ${result.sequential.proposeP50Ms} ms); ` +
      `${SEQUENTIAL_PUBLISHES} publishers' own changes published at once (\`publish: true\`), p50 ${result.sequential.atOnceP50Ms} ms, p95 ${result.sequential.atOnceP95Ms} ms. ` +
      `During the reads below, publishes at once: ${result.underLoad.publishes}, p95 ${result.underLoad.p95Ms} ms, ${result.underLoad.failures} skipped or failed. ` +
      `${writesShareOf(result)}`,
    '',
    `| query | publishes/s | Minsheng req/s without writes | with writes | kept | PostGraphile req/s with writes | Minsheng / PostGraphile |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...result.reads.map(
      (read) =>
        `| ${read.query} | ${read.publishesPerSecond} | ${read.minshengWithout} | ${read.minsheng.requestsPerSecond} | ${r(read.minsheng.requestsPerSecond / read.minshengWithout)} | ` +
        `${read.postgraphile.requestsPerSecond} | ${r(read.minsheng.requestsPerSecond / read.postgraphile.requestsPerSecond)}× |`,
    ),
  ].join('\n');
}

/** What the writes alone take of the machine: the readers cannot keep more than what is left. */
function writesShareOf(result: WriteScenarioResult): string {
  const { server, postgres } = result.sequential.atOnceCpuMs;
  const share = ((server + postgres) * PUBLISHES_PER_SECOND) / (1000 * result.cores);
  return (
    `A publish at once costs ${server} ms of the server's CPU and ${postgres} ms of PostgreSQL's: ${PUBLISHES_PER_SECOND} a second take ` +
    `${(share * 100).toFixed(0)} % of this machine's ${result.cores} cores, so readers that used all of it keep at most ${((1 - share) * 100).toFixed(0)} %.`
  );
}

export function writeTargets(scales: { scale: { name: string }; write?: WriteScenarioResult }[]): Target[] {
  const target = scales.find((scale) => scale.scale.name === TARGET_SCALE)?.write;
  if (!target) return [{ name: `${TARGET_SCALE}: writes`, met: null, detail: `the write scenario did not run at ${TARGET_SCALE}` }];
  const kept = target.reads.map((read) => ({ query: read.query, kept: read.minsheng.requestsPerSecond / read.minshengWithout }));
  const ratios = target.reads.map((read) => ({ query: read.query, ratio: read.minsheng.requestsPerSecond / read.postgraphile.requestsPerSecond }));
  const slowest = (list: { query: string; value: number }[]) => list.reduce((a, b) => (b.value < a.value ? b : a));
  const leastKept = slowest(kept.map(({ query, kept: value }) => ({ query, value })));
  const lowestRatio = slowest(ratios.map(({ query, ratio: value }) => ({ query, value })));
  return [
    {
      name: `${TARGET_SCALE}: a single-figure publish commits, totals included, with p95 ≤ 50 ms`,
      met: target.sequential.p95Ms <= 50 && target.sequential.atOnceP95Ms <= 50,
      detail: `publishDraft p95 ${target.sequential.p95Ms} ms, published at once p95 ${target.sequential.atOnceP95Ms} ms`,
    },
    {
      name: `${TARGET_SCALE}: with ${PUBLISHES_PER_SECOND} publishes/s, every read query keeps ≥ 90 % of its req/s`,
      met: leastKept.value >= 0.9,
      detail: `least kept: ${leastKept.query} ${(leastKept.value * 100).toFixed(0)} %. ${writesShareOf(target)}`,
    },
    {
      name: `${TARGET_SCALE}: with ${PUBLISHES_PER_SECOND} publishes/s, every uncached ratio to PostGraphile ≥ 1.0`,
      met: lowestRatio.value >= 1,
      detail: `lowest: ${lowestRatio.query} ${lowestRatio.value.toFixed(2)}×`,
    },
    { name: 'every write answered as expected', met: target.problems.length === 0, detail: target.problems.slice(0, 3).join('; ') || 'none' },
  ];
}
