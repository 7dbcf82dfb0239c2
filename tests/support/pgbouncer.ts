import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acceptsConnections, freePort } from './freePort.js';

/** A PgBouncer of the test's own, in transaction mode, in front of the test server's PostgreSQL. */
export interface PgBouncer {
  /** The URL of a database through the pooler. */
  url(database: string): string;
  stop(): Promise<void>;
}

/** Starts Debian's `pgbouncer` (server connections per database: `poolSize`), or throws saying what is missing. */
export async function startPgBouncer(server: URL, poolSize: number): Promise<PgBouncer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'minsheng-pgbouncer-'));
  chmodSync(dir, 0o777); // run as root, pgbouncer drops to the postgres user, who writes its log here
  const port = await freePort();
  const user = decodeURIComponent(server.username) || 'postgres';
  writeFileSync(path.join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 200',
      // After a failed login PgBouncer refuses new server connections for this long (default 15 s): a server
      // that is back (a restarted replica) is used again within a second (docs/operations.md).
      'server_login_retry = 1',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`pgbouncer could not start (apt-get install pgbouncer): ${error.message}`))),
  );
  failed.catch(() => {});
  for (let attempt = 0; attempt < 100 && !(await Promise.race([acceptsConnections(port), failed])); attempt++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode} (see ${dir})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: (database) => `postgres://${user}@127.0.0.1:${port}/${database}`,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
