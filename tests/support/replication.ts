import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './freePort.js';

const run = promisify(execFile);

/**
 * A PostgreSQL primary and a streaming-replication standby of it, of the test's own: Debian's binaries,
 * `initdb` and `pg_basebackup -R` into a temporary directory, each on a port of its own. Nothing of the
 * machine's own clusters is touched.
 */
export interface ReplicatedCluster {
  primaryUrl(database: string): string;
  replicaUrl(database: string): string;
  primaryPort: number;
  replicaPort: number;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL installed under /usr/lib/postgresql, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL tool as the `postgres` user when this process is root (initdb refuses root). */
async function tool(bin: string, name: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]] : [path.join(bin, name), args];
  await run(command, commandArgs, { maxBuffer: 16 * 1024 * 1024 });
}

const SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  // Test clusters: durability is not the point, speed is (the data is made again on every run).
  'fsync = off',
  'synchronous_commit = off',
  'full_page_writes = off',
  'shared_buffers = 64MB',
  'max_connections = 200',
  'wal_level = replica',
  'max_wal_senders = 5',
  "shared_preload_libraries = 'pg_stat_statements'",
  'hot_standby_feedback = on',
];

export async function startReplicatedCluster(): Promise<ReplicatedCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL server binaries are not installed (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'minsheng-replication-'));
  if (process.getuid?.() === 0) chownSync(dir, ...postgresIds());
  const primary = path.join(dir, 'primary');
  const replica = path.join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const ctl = (dataDir: string, action: string, extra: string[] = []) =>
    tool(bin, 'pg_ctl', [action, '-D', dataDir, '-w', '-t', '60', '-l', path.join(dataDir, 'server.log'), ...extra]);
  let started: string[] = [];
  try {
    await tool(bin, 'initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
    appendFileSync(primary + '/postgresql.conf', [...SETTINGS, `port = ${primaryPort}`, `unix_socket_directories = '${dir}'`, ''].join('\n'));
    await ctl(primary, 'start');
    started.push(primary);
    await tool(bin, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replica, '-R', '-X', 'stream', '-c', 'fast']);
    appendFileSync(replica + '/postgresql.conf', `port = ${replicaPort}\n`);
    await ctl(replica, 'start');
    started.push(replica);
  } catch (error) {
    for (const dataDir of started.reverse()) await ctl(dataDir, 'stop', ['-m', 'immediate']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const onReplica = async (statement: string) => {
    const sql = postgres(url(replicaPort, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      return await sql.unsafe(statement);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  return {
    primaryPort,
    replicaPort,
    primaryUrl: (database) => url(primaryPort, database),
    replicaUrl: (database) => url(replicaPort, database),
    async caughtUp(timeoutMs = 30_000) {
      const sql = postgres(url(primaryPort, 'postgres'), { max: 1, onnotice: () => {} });
      try {
        const [{ lsn }] = await sql`select pg_current_wal_lsn()::text as lsn`;
        for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 50))) {
          const [row] = await onReplica(`select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as done`);
          if (row?.done) return;
        }
        throw new Error(`the standby did not replay up to ${lsn} within ${timeoutMs} ms`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
    pauseReplay: async () => void (await onReplica('select pg_wal_replay_pause()')),
    resumeReplay: async () => void (await onReplica('select pg_wal_replay_resume()')),
    stopReplica: () => ctl(replica, 'stop', ['-m', 'fast']),
    startReplica: () => ctl(replica, 'start'),
    async stop() {
      for (const dataDir of [replica, primary]) await ctl(dataDir, 'stop', ['-m', 'immediate']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      started = [];
    },
  };
}

function postgresIds(): [number, number] {
  // Debian's postgres user, who owns the data directories.
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user on this machine (apt-get install postgresql)');
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}
