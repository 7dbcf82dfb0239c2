/**
 * Start-up (issue #15's and #20's figures): from `node …` to the first answer of /readyz on an empty
 * embedded database (created, migrated and seeded), and again on the same data directory (a restart), for
 * `npm start` (TypeScript through tsx) and `npm run serve` (the built dist/main.js).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmScriptArguments } from './servers.js';
import { freePort } from '../support/freePort.js';
import { untilReady } from '../support/untilReady.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface StartupTimes {
  script: 'start' | 'serve';
  /** ms to the first ready answer on an empty data directory. */
  emptyMs: number;
  /** ms to the first ready answer on the data directory the first start filled. */
  restartMs: number;
}

/** ms from spawning the server until /readyz answers 200; the server is stopped after. */
async function timeToReady(script: 'start' | 'serve', dataDir: string): Promise<number> {
  const port = await freePort();
  const env = { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const started = performance.now();
  const child = spawn(process.execPath, npmScriptArguments(script), { cwd: root, env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await untilReady(`http://127.0.0.1:${port}`, child, `npm run ${script}`);
    return Math.round(performance.now() - started);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function measureStartup(script: 'start' | 'serve'): Promise<StartupTimes> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-startup-'));
  try {
    const emptyMs = await timeToReady(script, dataDir);
    const restartMs = await timeToReady(script, dataDir);
    return { script, emptyMs, restartMs };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function startupTable(times: StartupTimes[]): string {
  return [
    '### Start-up: from `node` to the first ready answer, embedded database',
    '',
    '| command | empty data directory (create, migrate, seed) ms | restart ms |',
    '|---|---:|---:|',
    ...times.map((time) => `| \`npm ${time.script === 'start' ? 'start' : 'run serve'}\` | ${time.emptyMs} | ${time.restartMs} |`),
  ].join('\n');
}
