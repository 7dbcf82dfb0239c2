/**
 * Starts and stops the servers under test, each in a process of its own on loopback, and reads their
 * resident memory. The pid kept is node's own (no npm or tsx wrapper), so RSS and signals reach the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/freePort.js';

export type ServerName = 'minsheng' | 'minsheng-cached' | 'postgraphile' | 'floor';

export interface RunningServer {
  name: ServerName;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Tail of stderr, shown if the server dies. */
  log: string[];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const POOL_SIZE = 10;

/**
 * Minsheng's public-endpoint limits raised so nothing is throttled: the nested query costs ~130,000
 * points, so the budget is the largest allowed and refills every second, and each load connection is a
 * client of its own (X-Forwarded-For, see load.ts); no REDIS_URL (in-process budgets).
 */
function minshengEnvironment(databaseUrl: string, port: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SQL_COUNT_HEADER: 'true',
    DB_POOL_SIZE: String(POOL_SIZE),
    MAX_QUERY_COST: '100000000',
    RATE_LIMIT_ANONYMOUS: String(2 ** 31 - 1),
    RATE_LIMIT_WINDOW_SECONDS: '1',
    TRUST_PROXY: 'true',
    REDIS_URL: '',
    METRICS_TOKEN,
    ...extra,
  };
}

export interface CacheEnvironments {
  /** Variables for the "minsheng" (uncached) server. */
  off: Record<string, string>;
  /** Variables for the "minsheng-cached" server. */
  on: Record<string, string>;
}

const parseFlags = (flags: string[]) => Object.fromEntries(flags.map((flag) => [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)]));

/**
 * How to turn Minsheng's response cache off and on. Read from src/config.ts at run time, because the cache
 * is written alongside the benchmark: the first RESPONSE_CACHE* variable; a boolean is false/true, a number
 * (a size or TTL) is 0 for off and its default for on. `--cached-env` / `--uncached-env NAME=VALUE` win.
 * Undefined when there is no cache to measure.
 */
export function responseCacheEnvironments(onFlags: string[], offFlags: string[]): CacheEnvironments | undefined {
  const source = readFileSync(path.join(root, 'src/config.ts'), 'utf8');
  const line = source.split('\n').find((l) => /^\s*RESPONSE_CACHE[A-Z_]*\s*:/.test(l));
  let detected: CacheEnvironments | undefined;
  if (line) {
    const name = line.trim().split(/\s*:/)[0]!;
    const boolean = /booleanFlag|boolean\(/.test(line);
    const defaultsToZero = /\.default\(\s*0\s*\)/.test(line);
    const onValue = boolean ? 'true' : defaultsToZero ? (/BYTES/.test(name) ? String(64 * 2 ** 20) : /TTL|SECONDS/.test(name) ? '60' : '10000') : undefined;
    detected = { off: { [name]: boolean ? 'false' : '0' }, on: onValue === undefined ? {} : { [name]: onValue } };
  }
  if (onFlags.length === 0 && offFlags.length === 0) return detected;
  return { off: { ...detected?.off, ...parseFlags(offFlags) }, on: { ...detected?.on, ...parseFlags(onFlags) } };
}

// Every server still running, so an interrupted benchmark leaves no server behind (see run.ts).
const running = new Set<ChildProcess>();

export function killAllServers(): void {
  for (const child of running) child.kill('SIGKILL');
}

function launch(name: ServerName, args: string[], env: NodeJS.ProcessEnv, port: number): RunningServer {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const log: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 20) log.shift();
  });
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid!, child, log };
}

async function waitUntilReady(server: RunningServer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited (${server.child.exitCode}):\n${server.log.join('')}`);
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${server.name} did not answer within ${timeoutMs / 1000} s:\n${server.log.join('')}`);
}

/**
 * Node's arguments as an npm script gives them (package.json): `start` (TypeScript through tsx) or, after
 * `npm run build`, `serve` (dist/main.js), so the benchmark measures what is deployed.
 */
export function npmScriptArguments(script: 'start' | 'serve'): string[] {
  const line: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts[script];
  const [command, ...args] = line.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`The benchmark runs \`npm run ${script}\` as node's own process, so it must start with \`node\`; it is: ${line}`);
  return args;
}

// Which script the Minsheng servers run: `start`, or `serve` with --built (run.ts).
let minshengScript: 'start' | 'serve' = 'start';
export function runMinshengAs(script: 'start' | 'serve'): void {
  minshengScript = script;
}

/** The token the Minsheng servers' /metrics answers (scraped after each scale: metricsScrape.ts). */
export const METRICS_TOKEN = randomBytes(16).toString('hex');

export async function startMinsheng(databaseUrl: string, name: 'minsheng' | 'minsheng-cached', extra: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const server = launch(name, npmScriptArguments(minshengScript), minshengEnvironment(databaseUrl, port, extra), port);
  await waitUntilReady(server);
  return server;
}

export async function startPostgraphile(databaseUrl: string): Promise<RunningServer> {
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', DB_POOL_SIZE: String(POOL_SIZE) };
  const server = launch('postgraphile', [path.join(root, 'tests/bench/postgraphileServer.cjs')], env, port);
  await waitUntilReady(server);
  return server;
}

/** The floor (floorServer.ts): node:http and one hand-written statement per query, as fast as this machine goes. */
export async function startFloor(databaseUrl: string): Promise<RunningServer> {
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', DB_POOL_SIZE: String(POOL_SIZE) };
  const server = launch('floor', ['--import', 'tsx', path.join(root, 'tests/bench/floorServer.ts')], env, port);
  await waitUntilReady(server);
  return server;
}

/** Resident set size in MB, from /proc/<pid>/status (VmRSS). */
export function rssMegabytes(server: RunningServer): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kilobytes / 1024) * 10) / 10;
}

export async function stopServer(server: RunningServer): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
