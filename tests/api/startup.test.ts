import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, onServer, testBackend, uniqueName } from '../support/databases.js';

// The commands of the README, run as a new user would: real processes, real ports, real exits.
const root = path.resolve(import.meta.dirname, '../..');
const mustShowQuery = `{ facilities(first: 5) { totalCount nodes { name(lang: ZH) division { name } programs(first: 3) { nodes { name } } } } }`;

function run(script: string, args: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  // node itself, not npx: its pid is the server's, so a signal reaches the server.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return Object.assign(child, { output: () => output });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

async function startServer(env: Record<string, string>) {
  const started = Date.now();
  const child = run('src/main.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env });
  for (;;) {
    const match = child.output().match(/serving on (http:\/\/[\d.:]+)\/graphql/);
    if (match) return { child, url: match[1]!, startedInMs: Date.now() - started };
    if (child.exitCode !== null) throw new Error(`the server exited: ${child.output()}`);
    if (Date.now() - started > 60_000) throw new Error(`no server within 60 s: ${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ask(url: string) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: mustShowQuery }) });
  return (await response.json()) as { data: { facilities: { totalCount: number; nodes: { name: string; division: { name: string } }[] } } };
}

async function stop(child: ChildProcess, url?: string) {
  // Requests in flight when the signal comes (a signal during load once left the process hanging).
  const inFlight = url ? Array.from({ length: 20 }, () => ask(url).catch(() => undefined)) : [];
  child.kill('SIGTERM');
  expect(await exitOf(child)).toBe(0); // graceful shutdown
  await Promise.all(inFlight);
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => { for (const cleanup of cleanups) await cleanup(); });

describe.runIf(testBackend() === 'pglite')('npm start on the embedded database', () => {
  it('seeds an empty data directory and answers with the Dadukou data within 60 s; restarts keep the data', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-start-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startServer({ DATA_DIR: dataDir });
    expect(first.startedInMs).toBeLessThan(60_000);
    expect(first.child.output()).toContain('seeded the embedded database');
    const answer = await ask(first.url);
    expect(answer.data.facilities.totalCount).toBe(31);
    expect(answer.data.facilities.nodes[0]).toMatchObject({ name: '风雨舞台', division: { name: '大渡口区' } });
    await stop(first.child, first.url);

    const second = await startServer({ DATA_DIR: dataDir });
    expect(second.child.output()).not.toContain('seeded the embedded database');
    expect((await ask(second.url)).data.facilities.totalCount).toBe(31);
    await stop(second.child);
  });

  it('a bad setting stops start-up with a message that names the variable', async () => {
    const child = run('src/main.ts', [], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await exitOf(child)).toBe(1);
    expect(child.output()).toContain('PORT="eighty"');
    expect(child.output()).toContain('LOG_LEVEL="loud"');
  });
});

describe.runIf(testBackend() === 'postgres')('db:migrate, db:seed and npm start on PostgreSQL', () => {
  it('migrates and seeds an empty database (twice: the second run changes nothing), then serves it', { timeout: 120_000 }, async () => {
    const name = uniqueName('minsheng_start');
    await onServer((sql) => sql.unsafe(`create database "${name}"`));
    cleanups.push(() => onServer((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)));
    const env = { DATABASE_URL: databaseUrl(name) };
    const migrate = run('src/db/cli.ts', ['migrate'], env);
    expect(await exitOf(migrate), migrate.output()).toBe(0);
    const seed = run('src/db/cli.ts', ['seed'], env);
    expect(await exitOf(seed), seed.output()).toBe(0);
    expect(seed.output()).toMatch(/Seeds loaded: \d+ rows written \(postgres\)/);
    const again = run('src/db/cli.ts', ['seed'], env);
    expect(await exitOf(again)).toBe(0);
    expect(again.output()).toContain('Seeds already loaded: nothing changed (postgres).');

    const server = await startServer(env);
    const answer = await ask(server.url);
    expect(answer.data.facilities.totalCount).toBe(31);
    expect(answer.data.facilities.nodes[0]).toMatchObject({ name: '风雨舞台', division: { name: '大渡口区' } });
    await stop(server.child, server.url);
  });
});
