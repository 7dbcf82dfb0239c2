/**
 * The bulk-download scenario: how fast observations.csv streams, whether the server's memory stays flat
 * while it does, and how much a download running in the background slows a light query beside it. Every
 * body is checked, cheaply (the client shares the machine's two cores with the server): records counted
 * by a quote-aware byte scan, and only the first thousand parsed by a real CSV parser.
 */
import http from 'node:http';
import { parse } from 'csv-parse/sync';
import { problemOf, sendGraphQL } from './client.js';
import { median, percentile } from './load.js';
import { waitForQuietMachine } from './machine.js';
import type { Operation } from './queries.js';
import type { ScaleResult, Target } from './report.js';
import { rssMegabytes, type RunningServer } from './servers.js';

export const OBSERVATIONS_CSV = '/v1/data/observations.csv';

// Records (header included) parsed by csv-parse to check that each has the header's field count.
const PARSED_RECORDS = 1_001;
const RSS_SAMPLE_MS = 100;
const PROBE_REQUESTS = 300;
// Unmeasured probes first, so the probe's own new connection and first answers do not count as idle latency.
const PROBE_WARMUP = 10;
// While downloads run, probing goes on until this many have completed, so it covers their whole course.
const DOWNLOADS_DURING_PROBES = 2;
const QUIET_CPU_PERCENT = 15;
const QUIET_WAIT_SECONDS = 5;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Counts the records of an RFC 4180 body chunk by chunk: a record ends at an LF outside quotes, which must
 * follow a CR. Quotes are followed across chunks; a doubled quote leaves and re-enters the quoted value,
 * which comes to the same. A last record without its CRLF still counts.
 */
class CsvRecordCounter {
  records = 0;
  bareLineFeeds = 0;
  /** Bytes up to the end of record number `sampleRecords`, once it has come. */
  sampleEnd: number | undefined;
  private bytes = 0;
  private quoted = false;
  private previousByte = -1;
  private lastRecordEnd = 0;

  constructor(private readonly sampleRecords: number) {}

  write(chunk: Buffer): void {
    let nextQuote = chunk.indexOf(QUOTE);
    let nextLineFeed = chunk.indexOf(LF);
    while (true) {
      if (this.quoted) {
        if (nextQuote < 0) break;
        this.quoted = false;
        const after = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, after);
        // A line break inside the quoted value is part of it: look for the next one past the value.
        if (nextLineFeed >= 0 && nextLineFeed < after) nextLineFeed = chunk.indexOf(LF, after);
      } else if (nextLineFeed >= 0 && (nextQuote < 0 || nextLineFeed < nextQuote)) {
        if ((nextLineFeed > 0 ? chunk[nextLineFeed - 1] : this.previousByte) !== CR) this.bareLineFeeds += 1;
        this.records += 1;
        const after = nextLineFeed + 1;
        this.lastRecordEnd = this.bytes + after;
        if (this.records === this.sampleRecords) this.sampleEnd = this.lastRecordEnd;
        nextLineFeed = chunk.indexOf(LF, after);
      } else if (nextQuote >= 0) {
        this.quoted = true;
        nextQuote = chunk.indexOf(QUOTE, nextQuote + 1);
      } else break;
    }
    this.bytes += chunk.length;
    if (chunk.length > 0) this.previousByte = chunk[chunk.length - 1]!;
  }

  /** All records of the body, and what is wrong with its shape. */
  end(): { records: number; problems: string[] } {
    const problems: string[] = [];
    if (this.quoted) problems.push('the body ends inside a quoted value');
    if (this.bareLineFeeds > 0) problems.push(`${this.bareLineFeeds} record ends are a bare LF, not CRLF`);
    return { records: this.records + (this.bytes > this.lastRecordEnd ? 1 : 0), problems };
  }
}

/** What is wrong with the first records (header included), parsed by csv-parse; `counted` is how many the scan found there. */
function sampleProblems(sample: Buffer, counted: number): string[] {
  let records: string[][];
  try {
    records = parse(sample, { bom: true, relax_column_count: true });
  } catch (error) {
    return [`csv-parse fails on the first ${sample.length} bytes: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  if (records.length !== counted) problems.push(`csv-parse reads ${records.length} records in the first ${sample.length} bytes, the scan counted ${counted}`);
  const fields = records[0]?.length ?? 0;
  const ragged = records.findIndex((record) => record.length !== fields);
  if (ragged >= 0) problems.push(`record ${ragged} has ${records[ragged]!.length} fields, the header ${fields}`);
  return problems;
}

/** The highest of `read()` sampled every `everyMs` until stopped, and once more then (reads never overlap). */
function peakSampler(read: () => number | Promise<number>, everyMs: number): { stop: () => Promise<number> } {
  let peak = -Infinity;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<void> = Promise.resolve();
  const tick = () => {
    pending = Promise.resolve(read()).then((value) => {
      peak = Math.max(peak, value);
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await pending;
      // A download shorter than the interval would otherwise be sampled only at its start.
      return Math.max(peak, await read());
    },
  };
}

export interface DownloadRun {
  /** Records in the body, header excluded. */
  rows: number;
  /** The x-row-count header. */
  announcedRows: number;
  megabytes: number;
  /** From sending the request to the body's last byte. */
  seconds: number;
  rowsPerSecond: number;
  /** The server's resident memory before, at its highest during (sampled every 100 ms) and after, in MB. */
  rssMb: { before: number; peak: number; after: number };
  /** What is wrong with the body; empty when it checks out. */
  problems: string[];
}

export interface DownloadOptions {
  /** The server, e.g. http://127.0.0.1:4000. */
  url: string;
  path: string;
  headers?: Record<string, string>;
  /** The rows the body must hold besides what x-row-count says; undefined: x-row-count alone. */
  expectedRows?: number;
  /** The server's RSS in MB. */
  rssMb: () => number | Promise<number>;
}

/**
 * One download, read as fast as the socket allows and uncompressed (no Accept-Encoding: the client's CPU is
 * the server's too, so it inflates nothing), with the server's RSS around it. Throws when the server
 * answers with anything but 200 or breaks the transfer off; a body that is complete but wrong is a problem.
 */
export async function measureDownload(options: DownloadOptions): Promise<DownloadRun> {
  const before = await options.rssMb();
  const sampler = peakSampler(options.rssMb, RSS_SAMPLE_MS);
  const counter = new CsvRecordCounter(PARSED_RECORDS);
  const sampled: Buffer[] = [];
  let bytes = 0;
  let announcedRows = NaN;
  const started = performance.now();
  let seconds: number;
  let peak: number;
  try {
    seconds = await new Promise<number>((resolve, reject) => {
      const request = http.get(`${options.url}${options.path}`, { headers: options.headers ?? {} }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`${options.path}: HTTP ${response.statusCode}`));
        }
        announcedRows = Number(response.headers['x-row-count']);
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          counter.write(chunk);
          // Kept only up to the end of the records csv-parse reads.
          if (counter.sampleEnd === undefined || bytes - chunk.length < counter.sampleEnd) sampled.push(chunk);
        });
        response.once('end', () => resolve((performance.now() - started) / 1000));
        response.once('close', () => {
          if (!response.complete) reject(new Error(`${options.path}: the transfer was broken off after ${bytes} bytes`));
        });
      });
      request.once('error', reject);
    });
  } finally {
    peak = await sampler.stop();
  }
  const after = await options.rssMb();

  const { records, problems } = counter.end();
  const rows = records - 1;
  if (rows !== announcedRows) problems.push(`x-row-count says ${announcedRows} rows, the body holds ${rows}`);
  if (options.expectedRows !== undefined && rows !== options.expectedRows)
    problems.push(`the body holds ${rows} rows, the server's totalCount is ${options.expectedRows}`);
  const sample = Buffer.concat(sampled).subarray(0, counter.sampleEnd ?? bytes);
  problems.push(...sampleProblems(sample, counter.sampleEnd === undefined ? records : PARSED_RECORDS));
  const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    rows,
    announcedRows,
    megabytes: round(bytes / 2 ** 20, 1),
    seconds: round(seconds, 3),
    rowsPerSecond: Math.round(rows / seconds),
    rssMb: { before: round(before, 1), peak: round(Math.max(before, peak), 1), after: round(after, 1) },
    problems,
  };
}

/** One line per run, as download.ts and the benchmark's log print it. */
export function describeRun(run: DownloadRun): string {
  const { before, peak, after } = run.rssMb;
  return (
    `${run.rows.toLocaleString('en')} rows, ${run.megabytes} MB in ${run.seconds.toFixed(2)} s = ${run.rowsPerSecond.toLocaleString('en')} rows/s; ` +
    `server RSS ${before} MB before, ${peak} MB at most (+${(peak - before).toFixed(1)} MB), ${after} MB after` +
    (run.problems.length ? `; PROBLEMS: ${run.problems.join('; ')}` : '')
  );
}

interface ProbeLatencies {
  p50Ms: number;
  p99Ms: number;
  /** Timed requests (warm-up excluded). */
  requests: number;
  /** Requests that failed or were not answered 200 with data and no errors (the first few, as text). */
  failures: string[];
  failed: number;
}

/** One GraphQL POST on the agent's one connection; its latency in ms to the body's end, or what was wrong with it. */
function probeOnce(url: string, body: string, agent: http.Agent): Promise<{ ms: number; failure?: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      `${url}/graphql`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          const ms = performance.now() - started;
          let answer: { data?: Record<string, unknown> | null; errors?: { message: string }[] };
          try {
            answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return resolve({ ms, failure: `HTTP ${response.statusCode}, not JSON` });
          }
          const problem = problemOf({ status: response.statusCode!, data: answer.data, errors: answer.errors });
          // Beyond problemOf: a data object whose every field is null answered nothing.
          const hasData = Object.values(answer.data ?? {}).some((value) => value != null);
          resolve({ ms, failure: problem ?? (hasData ? undefined : 'no data') });
        });
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/**
 * `count` probes one after another on one keep-alive connection, after a few unmeasured ones, and more while
 * `goOn()` holds (so probes cover whole downloads, their sort and their streaming).
 */
async function probeLatencies(url: string, operation: Operation, count: number, goOn: () => boolean = () => false): Promise<ProbeLatencies> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify(operation);
  const latencies: number[] = [];
  const failures: string[] = [];
  try {
    for (let i = 0; i < PROBE_WARMUP + count || goOn(); i++) {
      try {
        const { ms, failure } = await probeOnce(url, body, agent);
        if (failure) failures.push(failure);
        if (i >= PROBE_WARMUP) latencies.push(ms);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    failures: failures.slice(0, 5),
    failed: failures.length,
  };
}

/**
 * Downloads the file back to back (bodies read and dropped) until stopped; `streaming` settles when the
 * first one's headers have come, so the probes start while a download really runs.
 */
function downloadLoop(
  url: string,
  path: string,
): {
  streaming: Promise<void>;
  /** Whether it is still downloading and has completed fewer than `count` downloads. */
  busyUntil: (count: number) => boolean;
  stop: () => Promise<{ downloads: number; problems: string[] }>;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let stopped = false;
  let current: http.ClientRequest | undefined;
  let downloads = 0;
  const problems: string[] = [];
  let started = () => {};
  const streaming = new Promise<void>((resolve) => (started = resolve));
  const once = () =>
    new Promise<void>((resolve, reject) => {
      current = http.get(`${url}${path}`, { agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`background download: HTTP ${response.statusCode}`));
        started();
        response.resume();
        response.once('end', () => resolve());
        response.once('close', () => {
          if (!response.complete) reject(new Error('background download broken off'));
        });
      });
      current.once('error', reject);
    });
  let ended = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await once();
        downloads += 1;
      } catch (error) {
        if (!stopped) problems.push(error instanceof Error ? error.message : String(error));
        break;
      }
    }
    started();
    ended = true;
  })();
  return {
    streaming,
    busyUntil: (count) => !ended && downloads < count,
    stop: async () => {
      stopped = true;
      current?.destroy();
      await loop;
      agent.destroy();
      return { downloads, problems };
    },
  };
}

export interface DownloadScenarioResult {
  path: string;
  /** The server's `observations { totalCount }`: the scale's synthetic rows and the Dadukou seed's own. */
  expectedRows: number;
  runs: DownloadRun[];
  bestRowsPerSecond: number | null;
  medianRowsPerSecond: number | null;
  bestSeconds: number | null;
  medianSeconds: number | null;
  /** The largest peak − before over the runs, in MB. */
  largestRssGrowthMb: number | null;
  probe: {
    description: string;
    requests: number;
    idle: { p50Ms: number; p99Ms: number };
    /** Downloads completed while the probes ran (the last one, still running then, not counted). */
    during: { p50Ms: number; p99Ms: number; requests: number; downloads: number };
    /** p99 during ÷ p99 idle. */
    p99Ratio: number;
  };
  /** Anything that did not check out: bodies, probe answers, failed requests. */
  problems: string[];
}

export interface DownloadScenarioSettings {
  /** Measured downloads (the benchmark's rounds). */
  runs: number;
  /** The light request sent during downloads (the query mix's "filtered list", Minsheng's half). */
  probe: { name: string; operation: Operation };
  /** Synthetic observations of the scale: the download holds these and the seed's own. */
  syntheticObservations: number;
  say: (line: string) => void;
}

/** The scenario on one running Minsheng server. */
export async function runDownloadScenario(server: RunningServer, settings: DownloadScenarioSettings): Promise<DownloadScenarioResult> {
  const problems: string[] = [];
  const counted = await sendGraphQL(server.url, { query: '{ observations(first: 0) { totalCount } }', variables: {} });
  if (problemOf(counted)) throw new Error(`observations totalCount: ${problemOf(counted)}`);
  const expectedRows: number = counted.data.observations.totalCount;
  if (expectedRows < settings.syntheticObservations)
    problems.push(`totalCount ${expectedRows} is below the ${settings.syntheticObservations} synthetic observations written`);

  const runs: DownloadRun[] = [];
  for (let i = 1; i <= settings.runs; i++) {
    await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
    try {
      const run = await measureDownload({ url: server.url, path: OBSERVATIONS_CSV, expectedRows, rssMb: () => rssMegabytes(server) });
      runs.push(run);
      problems.push(...run.problems.map((problem) => `download ${i}: ${problem}`));
      settings.say(`download ${i}: ${describeRun(run)}`);
    } catch (error) {
      problems.push(`download ${i}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
  const idle = await probeLatencies(server.url, settings.probe.operation, PROBE_REQUESTS);
  await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
  const loop = downloadLoop(server.url, OBSERVATIONS_CSV);
  await loop.streaming;
  let during: ProbeLatencies;
  let background: Awaited<ReturnType<typeof loop.stop>>;
  try {
    during = await probeLatencies(server.url, settings.probe.operation, PROBE_REQUESTS, () => loop.busyUntil(DOWNLOADS_DURING_PROBES));
  } finally {
    background = await loop.stop();
  }
  const probeProblems = (when: string, probes: ProbeLatencies) =>
    probes.failed ? [`${probes.failed} of ${PROBE_WARMUP + probes.requests + probes.failed} probes ${when} failed: ${probes.failures.join('; ')}`] : [];
  problems.push(...background.problems, ...probeProblems('idle', idle), ...probeProblems('during downloads', during));
  settings.say(
    `probe ${settings.probe.name}: idle p50 ${idle.p50Ms} ms, p99 ${idle.p99Ms} ms; during downloads p50 ${during.p50Ms} ms, p99 ${during.p99Ms} ms ` +
      `(${during.requests} requests; ${background.downloads} downloads completed meanwhile)`,
  );

  const speeds = runs.map((run) => run.rowsPerSecond);
  const durations = runs.map((run) => run.seconds);
  const some = <T>(value: T) => (runs.length ? value : null);
  return {
    path: OBSERVATIONS_CSV,
    expectedRows,
    runs,
    bestRowsPerSecond: some(Math.max(...speeds)),
    medianRowsPerSecond: some(Math.round(median(speeds))),
    bestSeconds: some(Math.min(...durations)),
    medianSeconds: some(Math.round(median(durations) * 1000) / 1000),
    largestRssGrowthMb: some(Math.round(Math.max(...runs.map((run) => run.rssMb.peak - run.rssMb.before)) * 10) / 10),
    probe: {
      description: `${settings.probe.name}, one request at a time on one keep-alive connection`,
      requests: PROBE_REQUESTS,
      idle: { p50Ms: idle.p50Ms, p99Ms: idle.p99Ms },
      during: { p50Ms: during.p50Ms, p99Ms: during.p99Ms, requests: during.requests, downloads: background.downloads },
      p99Ratio: Math.round((during.p99Ms / idle.p99Ms) * 100) / 100,
    },
    problems,
  };
}

const figure = (value: number | null, unit = '') => (value === null ? '—' : `${value.toLocaleString('en')}${unit}`);

/** The scenario's markdown tables, one row per scale; undefined when no scale ran it. */
export function downloadTables(scales: ScaleResult[]): string | undefined {
  const ran = scales.filter((scale) => scale.download);
  if (ran.length === 0) return undefined;
  const lines = [
    `### Bulk download: GET ${OBSERVATIONS_CSV} (Minsheng, uncached), uncompressed, read as fast as the client can`,
    '',
    '| scale | rows | MB | runs | best rows/s | median rows/s | best s | median s | RSS MB before | RSS MB peak | RSS MB after | largest RSS growth MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scale of ran) {
    const d = scale.download!;
    const rss = (pick: (run: DownloadRun) => number) => (d.runs.length ? String(Math.round(median(d.runs.map(pick)) * 10) / 10) : '—');
    lines.push(
      `| ${scale.scale.name} | ${d.expectedRows.toLocaleString('en')} | ${d.runs[0]?.megabytes ?? '—'} | ${d.runs.length} | ${figure(d.bestRowsPerSecond)} | ` +
        `${figure(d.medianRowsPerSecond)} | ${figure(d.bestSeconds)} | ${figure(d.medianSeconds)} | ${rss((r) => r.rssMb.before)} | ` +
        `${d.runs.length ? Math.max(...d.runs.map((r) => r.rssMb.peak)) : '—'} | ${rss((r) => r.rssMb.after)} | ${figure(d.largestRssGrowthMb)} |`,
    );
  }
  lines.push(
    '',
    'RSS before and after: median of the runs; peak: the highest sample (every 100 ms) of any run.',
    '',
    `### A light query while downloads run: ${ran[0]!.download!.probe.description}, ${ran[0]!.download!.probe.requests} requests idle; ` +
      `during, until ${DOWNLOADS_DURING_PROBES} back-to-back downloads have completed`,
    '',
    '| scale | p50 ms idle | p99 ms idle | p50 ms during | p99 ms during | p99 during / idle | requests during | downloads completed during |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const scale of ran) {
    const { idle, during, p99Ratio } = scale.download!.probe;
    lines.push(
      `| ${scale.scale.name} | ${idle.p50Ms} | ${idle.p99Ms} | ${during.p50Ms} | ${during.p99Ms} | ${p99Ratio.toFixed(2)}× | ${during.requests} | ${during.downloads} |`,
    );
  }
  const problems = ran.flatMap((scale) => scale.download!.problems.map((problem) => `- ${scale.scale.name}: ${problem}`));
  if (problems.length) lines.push('', 'Download check problems:', ...problems);
  return lines.join('\n');
}

// The targets hold at this scale; the others' figures are shown beside a verdict for information.
const TARGET_SCALE = '1m';

/** The scenario's targets, judged at 1m, and whether every body and probe answer checked out at every scale. */
export function downloadTargets(scales: ScaleResult[]): Target[] {
  const target = scales.find((scale) => scale.scale.name === TARGET_SCALE)?.download;
  const elsewhere = (show: (d: DownloadScenarioResult) => string) =>
    scales
      .filter((scale) => scale.scale.name !== TARGET_SCALE && scale.download)
      .map((scale) => `${scale.scale.name}: ${show(scale.download!)}`)
      .join('; ');
  const judge = (name: string, met: (d: DownloadScenarioResult) => boolean, show: (d: DownloadScenarioResult) => string): Target => {
    if (!target) return { name, met: null, detail: `not measured at ${TARGET_SCALE}${elsewhere(show) ? ` (${elsewhere(show)})` : ''}` };
    return { name, met: met(target), detail: show(target) };
  };
  const ran = scales.filter((scale) => scale.download);
  const problems = ran.flatMap((scale) => scale.download!.problems.map((problem) => `${scale.scale.name}: ${problem}`));
  return [
    judge(
      `${TARGET_SCALE}: bulk CSV download ≥ 100,000 rows/s (best of the runs)`,
      (d) => d.bestRowsPerSecond !== null && d.bestRowsPerSecond >= 100_000,
      (d) => `best ${figure(d.bestRowsPerSecond, ' rows/s')}`,
    ),
    judge(
      `${TARGET_SCALE}: server RSS growth during a download ≤ 50 MB`,
      (d) => d.largestRssGrowthMb !== null && d.largestRssGrowthMb <= 50,
      (d) => `largest growth ${figure(d.largestRssGrowthMb, ' MB')}`,
    ),
    judge(
      `${TARGET_SCALE}: light-query p99 during downloads ≤ 2× idle p99`,
      (d) => d.probe.during.p99Ms <= 2 * d.probe.idle.p99Ms,
      (d) => `${d.probe.during.p99Ms} vs ${d.probe.idle.p99Ms} ms, ${d.probe.p99Ratio.toFixed(2)}×`,
    ),
    {
      name: 'every download body complete and well-formed, every probe answered with data',
      met: ran.length === 0 ? null : problems.length === 0,
      detail: ran.length === 0 ? 'not measured' : problems.length === 0 ? ran.map((s) => s.scale.name).join(', ') : problems.slice(0, 5).join('; '),
    },
  ];
}
