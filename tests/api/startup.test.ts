import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/db/dataDirLock.js';
import { databaseUrl, onServer, testBackend, uniqueName } from '../support/databases.js';

// The commands of the README, run as a new user would: real processes, real ports, real exits.
const root = path.resolve(import.meta.dirname, '../..');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});
const mustShowQuery = `{ facilities(first: 5) { totalCount nodes { name(lang: ZH) division { name } programs(first: 3) { nodes { name } } } } }`;

function run(script: string, args: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  // node itself, not npx: its pid is the server's, so a signal reaches the server.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.unshift(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')); // a failed test leaves none running
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
    if (match) return { child, url: match[1]! };
    if (child.exitCode !== null) throw new Error(`the server exited: ${child.output()}`);
    // Only a hang ends the wait: how fast a shared machine starts it is not this test's business.
    if (Date.now() - started > 240_000) throw new Error(`no server within 240 s: ${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ask(url: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: mustShowQuery }),
  });
  return (await response.json()) as { data: { facilities: { totalCount: number; nodes: { name: string; division: { name: string } }[] } } };
}

async function stop(child: ChildProcess, url?: string) {
  // Requests in flight when the signal comes (a signal during load once left the process hanging).
  const inFlight = url ? Array.from({ length: 20 }, () => ask(url).catch(() => undefined)) : [];
  child.kill('SIGTERM');
  expect(await exitOf(child)).toBe(0); // graceful shutdown
  await Promise.all(inFlight);
}

describe.runIf(testBackend() === 'pglite')('npm start on the embedded database', () => {
  it('seeds an empty data directory and answers with the Dadukou data; restarts keep the data', { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-start-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startServer({ DATA_DIR: dataDir });
    // The first start says what it is doing, in order, before it serves.
    const progress = [
      'creating the embedded database',
      'applying database migrations',
      'seeding the embedded database with the Dadukou data',
      'seeded the embedded database',
      'serving on',
    ];
    const positions = progress.map((line) => first.child.output().indexOf(line));
    expect(
      positions.every((at) => at >= 0),
      first.child.output(),
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const answer = await ask(first.url);
    expect(answer.data.facilities.totalCount).toBe(31);
    expect(answer.data.facilities.nodes[0]).toMatchObject({ name: '风雨舞台', division: { name: '大渡口区' } });
    await stop(first.child, first.url);

    const second = await startServer({ DATA_DIR: dataDir });
    expect(second.child.output()).toContain('opening the embedded database');
    expect(second.child.output()).not.toContain('seeded the embedded database');
    expect((await ask(second.url)).data.facilities.totalCount).toBe(31);
    await stop(second.child);
  });

  it('a taken port is said in one line naming PORT, before the data directory is even created', { timeout: 120_000 }, async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => holder.close());
    const port = (holder.address() as { port: number }).port;
    const parent = mkdtempSync(path.join(tmpdir(), 'minsheng-port-'));
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    const dataDir = path.join(parent, 'data');
    const child = run('src/main.ts', [], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    expect(await exitOf(child), child.output()).toBe(1);
    expect(child.output().trim()).toBe(`Port ${port} is taken on 127.0.0.1 (PORT=${port}): stop the other server or set PORT to a free port.`);
    expect(existsSync(dataDir)).toBe(false); // no database opened, migrated or seeded
  });

  it('a bad setting stops start-up with a message that names the variable', async () => {
    const child = run('src/main.ts', [], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await exitOf(child)).toBe(1);
    expect(child.output()).toContain('PORT="eighty"');
    expect(child.output()).toContain('LOG_LEVEL="loud"');
  });
});

// Once, in the PGlite project: the processes started here run the embedded database whatever the test backend.
describe.runIf(testBackend() === 'pglite')('one embedded data directory, one process (a second server or `npm run keys` is refused while it runs)', () => {
  const keyPattern = /ms_[A-Za-z0-9_-]{43}/;

  /** Exits, or serves (which a refused process must not). */
  async function outcome(child: ChildProcess & { output: () => string }): Promise<number | 'serving'> {
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null) return child.exitCode;
      if (/serving on/.test(child.output())) return 'serving';
      if (Date.now() - started > 240_000) throw new Error(`neither served nor exited within 240 s: ${child.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function statusWithKey(url: string, key: string) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return response.status;
  }

  async function keys(args: string[], env: Record<string, string>) {
    const child = run('src/cli/keys.ts', args, env);
    return { code: await exitOf(child), output: child.output() };
  }

  it('keys are refused while the server runs; revoked with the server stopped, the key stays revoked after a restart', { timeout: 300_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-lock-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir, SEED_ON_START: 'false' }; // keys need no Dadukou data
    const created = await keys(['create', '--name', 'Revoked later'], env);
    expect(created.code, created.output).toBe(0);
    const revokedLater = created.output.match(keyPattern)![0];

    const server = await startServer(env);
    expect(await statusWithKey(server.url, revokedLater)).toBe(200);

    const secondServer = run('src/main.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env });
    expect(await outcome(secondServer), secondServer.output()).toBe(1);
    const refusal = secondServer
      .output()
      .split('\n')
      .filter((line) => line.includes('is in use by'));
    expect(refusal).toEqual([expect.stringContaining(`The embedded database in ${dataDir} is in use by process ${server.child.pid}: stop that server`)]);
    expect(refusal[0]).toContain('DATABASE_URL');
    expect(secondServer.output()).not.toMatch(/^\s+at /m); // no stack trace
    expect(await statusWithKey(server.url, revokedLater)).toBe(200); // the first server still serves

    const revokeWhileRunning = await keys(['revoke', revokedLater.slice(0, 10)], env);
    expect(revokeWhileRunning.code).toBe(1);
    expect(revokeWhileRunning.output.trim()).toBe(
      `Keys cannot be read or changed while process ${server.child.pid} (a running server, or another command) holds the embedded database in ${dataDir}: ` +
        'stop the server, run this command, then start the server again; or set DATABASE_URL to PostgreSQL, where keys can be managed while the server runs.',
    );
    await stop(server.child);
    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false); // released at shutdown

    // The lock of a server that was killed (its pid is gone) is taken over.
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${server.child.pid}\n`);
    const revoked = await keys(['revoke', revokedLater.slice(0, 10)], env);
    expect(revoked.code, revoked.output).toBe(0);
    expect(revoked.output).toContain('Revoked API key');
    const createdMeanwhile = await keys(['create', '--name', 'Created while stopped'], env);
    expect(createdMeanwhile.code, createdMeanwhile.output).toBe(0);
    const newKey = createdMeanwhile.output.match(keyPattern)![0];

    const restarted = await startServer(env);
    expect(await statusWithKey(restarted.url, revokedLater)).toBe(401);
    expect(await statusWithKey(restarted.url, newKey)).toBe(200);
    await stop(restarted.child);
  });
});

describe.runIf(testBackend() === 'postgres')(
  'db:migrate, db:seed and npm start on PostgreSQL (PostgreSQL only: the PGlite project tests the embedded start)',
  () => {
    it('migrates and seeds an empty database (twice: the second run changes nothing), then serves it', { timeout: 120_000 }, async () => {
      const name = uniqueName('minsheng_start');
      await onServer((sql) => sql.unsafe(`create database "${name}"`));
      cleanups.push(() => onServer((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)));
      const env = { DATABASE_URL: databaseUrl(name) };
      const migrate = run('src/cli/database.ts', ['migrate'], env);
      expect(await exitOf(migrate), migrate.output()).toBe(0);
      const seed = run('src/cli/database.ts', ['seed'], env);
      expect(await exitOf(seed), seed.output()).toBe(0);
      expect(seed.output()).toMatch(/Seeds loaded: \d+ rows written \(postgres\)/);
      const again = run('src/cli/database.ts', ['seed'], env);
      expect(await exitOf(again)).toBe(0);
      expect(again.output()).toContain('Seeds already loaded: nothing changed (postgres).');

      const server = await startServer(env);
      const answer = await ask(server.url);
      expect(answer.data.facilities.totalCount).toBe(31);
      expect(answer.data.facilities.nodes[0]).toMatchObject({ name: '风雨舞台', division: { name: '大渡口区' } });
      await stop(server.child, server.url);
    });
  },
);
