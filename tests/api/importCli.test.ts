import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl, openTestDatabase, testBackend } from '../support/databases.js';

// `npm run import` as an operator runs it, against a database of its own: an embedded one in a temporary
// directory (seeded by `npm run db:seed`), or a copy of the seeded PostgreSQL database.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'minsheng-import-cli-'));
let env: NodeJS.ProcessEnv;
let close = async () => {};

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (testBackend() === 'postgres') {
    const db = await openTestDatabase(inject('seeded'));
    env = { ...process.env, DATABASE_URL: databaseUrl(db.name), DATA_DIR: undefined };
    close = () => db.close(); // drops the copy, after the commands
  } else {
    env = { ...process.env, DATABASE_URL: undefined, DATA_DIR: path.join(dir, 'data') };
    const seeded = await run(['src/cli/database.ts', 'seed']);
    expect(seeded.code, seeded.stderr).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

const HEADER = 'key,indicator,value,qualifier,unit,measure,status,period.end,label_zh,label_en,citation.source,citation.quote';
const row = (key: string, value = '13') =>
  `${key},sound-of-blossoms-concerts-held,${value},exact,event,cumulative,actual,2023-12-31,13场,Synthetic CLI test figure,dadukou-2023-livelihood,目前已举办13场`;

describe('npm run import', () => {
  it('reports every problem and exits 1 writing nothing; a good file exits 0, and again changes nothing', { timeout: 120_000 }, async () => {
    const bad = path.join(dir, 'observations-bad.csv');
    writeFileSync(bad, [HEADER, row('cli-test-1'), row('cli-test-2', 'x'), row('cli-test-3', '14')].join('\n'));
    const refused = await run(['src/cli/import.ts', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout.split('\n')).toEqual([
      'line 3, column value: "x" is not a number (write it as 13, -4.5 or 1e6)',
      'line 4, column value: 14 is not a number of its label "13场" (it states 13)',
      'line 4, column value: 14 is not a number of its quote "目前已举办13场"',
      '3 problems in 3 records: nothing was written.',
      '',
    ]);

    const good = path.join(dir, 'observations-good.csv');
    writeFileSync(good, [HEADER, row('cli-test-1'), row('cli-test-2')].join('\n'));
    const dry = await run(['src/cli/import.ts', good, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe('No problems. 2 records: 2 new, 0 changed, 0 unchanged (dry run: nothing was written).\n');

    const imported = await run(['src/cli/import.ts', good, '--publish']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('Imported. 2 records: 2 new, 0 changed, 0 unchanged.\n');
    expect(imported.stderr).toMatch(/writing 2\/2 records \[#+\] 100%/);
    const again = await run(['src/cli/import.ts', good, '--publish']);
    expect(again.stdout).toBe('Imported. 2 records: 0 new, 0 changed, 2 unchanged.\n');

    // The audit log names the command and the file.
    const audit = await run(['src/cli/audit.ts', '--kind', 'observations']);
    expect(audit.stdout).toContain('cli import observations-good.csv');
  });

  it('a mistake in the command exits 2 with the usage', async () => {
    const unnamed = path.join(dir, 'records.csv');
    writeFileSync(unnamed, HEADER);
    const mistake = await run(['src/cli/import.ts', unnamed]);
    expect(mistake.code).toBe(2);
    expect(mistake.stderr).toContain('the file name names no kind; give --kind.');
    expect(mistake.stderr).toContain('usage:');
  });
});
