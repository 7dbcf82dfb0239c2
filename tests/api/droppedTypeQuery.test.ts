import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, onServer, testBackend, uniqueName } from '../support/databases.js';

const run = promisify(execFile);
const CHILD = new URL('../support/typeQueryChild.ts', import.meta.url).pathname;

// postgres.js drops the failure of its first statement on a new connection (porsager/postgres#1192): Node
// would end the server with every request in flight. Here that statement is made to fail for certain: the
// array types it reads are locked away in a database of the test's own, and it times out.
describe.runIf(testBackend() === 'postgres')('a new connection that cannot read the array types', () => {
  const name = uniqueName('minsheng_types');
  let holder: postgres.Sql;
  let release: () => Promise<void>;

  beforeAll(async () => {
    await onServer((sql) => sql.unsafe(`create database "${name}"`));
    holder = postgres(databaseUrl(name), { max: 1, onnotice: () => {} });
    const reserved = await holder.reserve();
    await reserved`begin`;
    await reserved`lock table pg_catalog.pg_type in access exclusive mode`;
    release = async () => {
      await reserved`rollback`;
      reserved.release();
    };
  });
  afterAll(async () => {
    await release?.();
    await holder?.end({ timeout: 5 });
    await onServer((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
  });

  const child = (mode: string) =>
    run(process.execPath, ['--import', 'tsx', CHILD, databaseUrl(name), mode], { timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('without the guard, the process ends (the failure being guarded against is real)', async () => {
    const { code, stdout, stderr } = await child('unguarded');
    expect(code).not.toBe(0);
    expect(stdout).not.toContain('survived');
    expect(stderr).toContain('canceling statement due to statement timeout');
  });

  it('with the guard, the process lives on and says why in one warning', async () => {
    const { code, stdout, stderr } = await child('guarded');
    expect(code).toBe(0);
    expect(`${stdout}${stderr}`).toContain('could not read the array types');
    expect(stdout.trim().split('\n').at(-1)).toBe('survived');
  });

  it('a connection reset while the types are read (a server that stops) is survived the same way', async () => {
    const { code, stdout, stderr } = await child('reset');
    expect(`${stdout}${stderr}`).toContain('could not read the array types');
    expect(`${stdout}${stderr}`).toContain('ECONNRESET');
    expect(stdout.trim().split('\n').at(-1)).toBe('survived');
    expect(code).toBe(0);
  });

  it('any other unhandled rejection still ends the process', async () => {
    const { code, stdout, stderr } = await child('other');
    expect(code).not.toBe(0);
    expect(stdout).not.toContain('survived');
    expect(stderr).toContain('a rejection nobody handles');
  });
});
