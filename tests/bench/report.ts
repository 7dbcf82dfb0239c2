/**
 * What a run found, as markdown tables and a verdict per target of the issue, and the same as JSON.
 */
import type { MetricsScrape } from './metricsScrape.js';
import type { StartupTimes } from './startup.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { QueryCheck } from './check.js';
import type { Scale } from './database.js';
import { downloadTargets, type DownloadScenarioResult } from './downloadScenario.js';
import { median, type LoadResult } from './load.js';
import type { ServerName } from './servers.js';
import { writeTargets, type WriteScenarioResult } from './writeScenario.js';
import { asOfTargets, type AsOfScenarioResult } from './asOfScenario.js';

export interface Measurement {
  query: string;
  server: ServerName;
  /** The median of the rounds (load.ts). */
  load: LoadResult;
  /** Each round's own result, in round order. */
  rounds: LoadResult[];
  rssMb: number;
  /** CPU % that other processes used just before the run (see machine.ts). */
  backgroundCpu: number;
}

export interface ScaleResult {
  scale: Scale;
  fillSeconds: number;
  checks: QueryCheck[];
  measurements: Measurement[];
  /** The bulk-download scenario on the uncached Minsheng server; absent when it did not run. */
  download?: DownloadScenarioResult;
  /** The write scenario (writeScenario.ts); absent when it did not run. */
  write?: WriteScenarioResult;
  /** The as-of scenario (asOfScenario.ts); absent when it did not run. */
  asOf?: AsOfScenarioResult;
  /** /metrics of the uncached Minsheng server after the scale (metricsScrape.ts). */
  metrics?: MetricsScrape;
}

export interface BenchResult {
  startedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string };
  settings: { connections: number; seconds: number; warmupSeconds: number; rounds: number };
  /** The variables that turned Minsheng's response cache off and on; null: no cache to measure. */
  cacheEnvironments: { off: Record<string, string>; on: Record<string, string> } | null;
  postgraphileSettings: string;
  scales: ScaleResult[];
  /** Start-up on an empty embedded database and again (startup.ts). */
  startup: StartupTimes[];
  targets: Target[];
}

export interface Target {
  name: string;
  met: boolean | null;
  detail: string;
}

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const times = (value: number) => (Number.isNaN(value) ? '—' : value === Infinity ? '∞' : `${value.toFixed(2)}×`);
const find = (scale: ScaleResult, query: string, server: ServerName) => scale.measurements.find((m) => m.query === query && m.server === server);
const cpuOf = ({ server, postgres }: LoadResult['cpuMsPerRequest']) => server + postgres;

/**
 * Minsheng against PostGraphile: in each round the two ran back to back, so the ratio of that round's
 * figures is the comparison a slow minute of the (shared) machine, which slows both, does not move; the
 * median of those ratios over the rounds.
 */
function versus(m: Measurement, p: Measurement): { throughput: number; p99: number; cpu: number } {
  const paired = m.rounds.length === p.rounds.length && m.rounds.length > 0;
  const [mine, theirs] = paired ? [m.rounds, p.rounds] : [[m.load], [p.load]];
  const of = (pick: (run: LoadResult) => number) => median(mine.map((run, i) => pick(run) / pick(theirs[i]!)));
  // A round in which PostGraphile answered nothing (the 1M deep page takes longer than a run) has no p99 of
  // its own: every one of its requests took longer than any of ours.
  const p99 = median(mine.map((run, i) => (theirs[i]!.requests === 0 ? 0 : run.p99Ms / theirs[i]!.p99Ms)));
  return { throughput: of((run) => run.requestsPerSecond), p99, cpu: of((run) => cpuOf(run.cpuMsPerRequest)) };
}

function statementsCell(check: QueryCheck | undefined, server: ServerName): string {
  if (!check) return '—';
  const s = check.statements;
  if (server === 'minsheng-cached') return s.minshengCachedRepeat === null ? '—' : `${s.minshengCachedRepeat} (repeat)`;
  if (server === 'floor') return '1';
  const [full, small] = server === 'minsheng' ? [s.minsheng, s.minshengSmallPage] : [s.postgraphile, s.postgraphileSmallPage];
  if (full === null) return '—';
  return full === small ? String(full) : `${full} (${small} at first: 5)`;
}

export function scaleTable(scale: ScaleResult): string {
  const lines = [
    `### ${scale.scale.name}: ${scale.scale.facilities.toLocaleString('en')} synthetic facilities, ${scale.scale.observations.toLocaleString('en')} synthetic observations`,
    '',
    '| query | server | req/s | p50 ms | p99 ms | errors / non-2xx | SQL statements | CPU ms/req server + PostgreSQL | RSS MB | M/P req/s | M/P p99 | M/P CPU | req/s of floor | other CPU % |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const check of scale.checks) {
    const postgraphile = find(scale, check.query, 'postgraphile');
    const floor = find(scale, check.query, 'floor');
    for (const server of ['minsheng', 'minsheng-cached', 'postgraphile', 'floor'] as const) {
      const m = find(scale, check.query, server);
      if (!m) continue;
      const against = (server === 'minsheng' || server === 'minsheng-cached') && postgraphile ? versus(m, postgraphile) : undefined;
      const ratios = against ? [times(against.throughput), times(against.p99), times(against.cpu)] : ['', '', ''];
      const ofFloor = server !== 'floor' && floor ? times(versus(m, floor).throughput) : '';
      const cpuCell = `${m.load.cpuMsPerRequest.server.toFixed(2)} + ${m.load.cpuMsPerRequest.postgres.toFixed(2)}`;
      lines.push(
        `| ${check.query} | ${server} | ${m.load.requestsPerSecond} | ${m.load.p50Ms} | ${m.load.p99Ms} | ${m.load.errors} / ${m.load.non2xx} | ${statementsCell(check, server)} | ${cpuCell} | ${m.rssMb} | ${ratios.join(' | ')} | ${ofFloor} | ${m.backgroundCpu} |`,
      );
    }
  }
  const warnings = scale.checks.flatMap((c) => c.warnings.map((w) => `- ${c.query}: ${w}`));
  if (warnings.length > 0) lines.push('', 'Check warnings:', ...warnings);
  return lines.join('\n');
}

export function growthTable(small: ScaleResult, large: ScaleResult): string {
  const lines = [
    `### p50 growth ${small.scale.name} → ${large.scale.name}`,
    '',
    `| query | server | p50 ms ${small.scale.name} | p50 ms ${large.scale.name} | growth |`,
    '|---|---|---:|---:|---:|',
  ];
  for (const check of small.checks) {
    for (const server of ['minsheng', 'minsheng-cached', 'postgraphile', 'floor'] as const) {
      const [a, b] = [find(small, check.query, server), find(large, check.query, server)];
      if (a && b) lines.push(`| ${check.query} | ${server} | ${a.load.p50Ms} | ${b.load.p50Ms} | ${ratio(b.load.p50Ms, a.load.p50Ms)} |`);
    }
  }
  return lines.join('\n');
}

/** The targets, judged per query (a scale's verdict names the queries that miss), then the bulk download's. */
export function judgeTargets(scales: ScaleResult[], cached: boolean): Target[] {
  const targets: Target[] = [];
  const verdict = (name: string, misses: string[], checked: number) =>
    targets.push({
      name,
      met: checked === 0 ? null : misses.length === 0,
      detail: checked === 0 ? 'not measured' : misses.length === 0 ? 'every query' : `missed by: ${misses.join('; ')}`,
    });
  for (const scale of scales) {
    const at = scale.scale.name;
    const throughput: string[] = [];
    const tail: string[] = [];
    const cachedMisses: string[] = [];
    const sql: string[] = [];
    const belowFloor: string[] = [];
    let floors = 0;
    for (const check of scale.checks) {
      const [m, c, p, f] = (['minsheng', 'minsheng-cached', 'postgraphile', 'floor'] as const).map((s) => find(scale, check.query, s));
      if (m && f) {
        floors++;
        const ofFloor = versus(m, f).throughput;
        if (ofFloor < 0.8) belowFloor.push(`${check.query} ${times(ofFloor)}`);
      }
      const uncached = m && p ? versus(m, p) : undefined;
      if (uncached && uncached.throughput < 1) throughput.push(`${check.query} ${times(uncached.throughput)}`);
      if (uncached && uncached.p99 > 1) tail.push(`${check.query} ${times(uncached.p99)} (medians ${m!.load.p99Ms} vs ${p!.load.p99Ms} ms)`);
      const cachedThroughput = c && p ? versus(c, p).throughput : undefined;
      if (cachedThroughput !== undefined && cachedThroughput < 3) cachedMisses.push(`${check.query} ${times(cachedThroughput)}`);
      const { expected, ...s } = check.statements;
      // An upper bound (no N+1), the same at any page size: a lookup may share its nested list's statement.
      if (s.minsheng == null || s.minsheng > expected || s.minshengSmallPage !== s.minsheng)
        sql.push(`${check.query} ${s.minsheng} (${s.minshengSmallPage} at first: 5), at most ${expected}`);
    }
    verdict(`${at}: uncached req/s ≥ 1.0× PostGraphile`, throughput, scale.measurements.length);
    verdict(`${at}: uncached p99 ≤ PostGraphile's`, tail, scale.measurements.length);
    verdict(`${at}: cached req/s ≥ 3× PostGraphile`, cachedMisses, cached ? scale.measurements.length : 0);
    verdict(`${at}: SQL statements ≤ 1 + one per nested list level, the same at any page size`, sql, scale.checks.length);
    verdict(`${at}: uncached req/s ≥ 0.8× the floor's`, belowFloor, floors);
    verdict(
      `${at}: the floor returns Minsheng's rows`,
      scale.checks.filter((c) => c.floorSame === false).map((c) => c.query),
      scale.checks.filter((c) => c.floorSame !== null).length,
    );
    verdict(
      `${at}: both servers return the same rows`,
      scale.checks.filter((c) => !c.same).map((c) => c.query),
      scale.checks.length,
    );
  }
  if (scales.length >= 2) {
    const [small, large] = [scales[0]!, scales[scales.length - 1]!];
    const misses = small.checks.flatMap((check) => {
      const [a, b] = [find(small, check.query, 'minsheng'), find(large, check.query, 'minsheng')];
      return a && b && b.load.p50Ms > 1.5 * a.load.p50Ms ? [`${check.query} ${ratio(b.load.p50Ms, a.load.p50Ms)}`] : [];
    });
    verdict(`p50 at ${large.scale.name} ≤ 1.5× p50 at ${small.scale.name} (Minsheng, uncached)`, misses, small.checks.length);
  } else {
    verdict('p50 at 1m ≤ 1.5× p50 at 10k (Minsheng, uncached)', [], 0);
  }
  targets.push(...downloadTargets(scales));
  if (scales.some((scale) => scale.write)) targets.push(...writeTargets(scales));
  if (scales.some((scale) => scale.asOf)) targets.push(...asOfTargets(scales));
  return targets;
}

export function targetList(targets: Target[]): string {
  return ['### Targets', '', ...targets.map((t) => `- ${t.met === null ? 'NOT MEASURED' : t.met ? 'MET' : 'MISSED'}: ${t.name} (${t.detail})`)].join('\n');
}

export function writeJson(directory: string, result: BenchResult): string {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
