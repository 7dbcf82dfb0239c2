import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../support/freePort.js';
import { untilReady } from '../support/untilReady.js';

// Production runs the built JavaScript (`npm run build`, then `node dist/main.js`): no tsx, no TypeScript at
// run time. Built here as a deployment builds it, then started on an empty embedded database.
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-dist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Every .js file under a folder. */
function scripts(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => path.join(folder, file));
}

it('npm run build emits dist/main.js, which serves the Dadukou data with node alone', { timeout: 240_000 }, async () => {
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });
  const dist = path.join(root, 'dist');
  // Nothing built imports tsx, and the explorer's files were copied beside the code that serves them.
  expect(scripts(dist).filter((file) => /from ['"]tsx|import\(['"]tsx/.test(readFileSync(file, 'utf8')))).toEqual([]);
  expect(readdirSync(path.join(dist, 'http/explorer')).sort()).toEqual(['explorer.js', 'favicon.ico', 'favicon.svg', 'index.html']);

  const port = await freePort();
  const server = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    await untilReady(base, server, 'node dist/main.js').catch((error: Error) => {
      throw new Error(`${error.message}:\n${log}`);
    });
    const answer = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ facilities(first: 1) { totalCount nodes { slug } } }' }),
    });
    const body = (await answer.json()) as { data: { facilities: { totalCount: number; nodes: { slug: string }[] } } };
    expect(body.data.facilities).toEqual({ totalCount: 31, nodes: [{ slug: 'all-weather-stage' }] });
    const explorer = await fetch(`${base}/`);
    expect(explorer.status).toBe(200);
    expect(await explorer.text()).toContain('<html');
  } finally {
    server.kill('SIGTERM');
  }
  // A clean stop on SIGTERM, as a container's runtime sends it.
  expect(await exited, log).toBe(0);
});
