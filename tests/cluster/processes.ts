import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { acceptsConnections, freePort } from '../support/freePort.js';

/** A process the cluster test started, stopped by it at the end whatever happened. */
export interface Started {
  name: string;
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** Spawns a program with its output in `logDir`, and waits until it listens on `port`. */
export async function startListening(
  name: string,
  command: string,
  args: string[],
  port: number,
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): Promise<Started> {
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let failure: Error | undefined;
  child.once('error', (error) => (failure = new Error(`${name} could not start (${command}): ${error.message}`)));
  for (const until = Date.now() + timeoutMs; !(await acceptsConnections(port)); await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (failure) throw failure;
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: see ${path.join(logDir, `${name}.log`)}`);
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms`);
    }
  }
  return {
    name,
    child,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** A Redis of the test's own (Debian's redis-server), in memory only. */
export async function startRedis(logDir: string): Promise<Started> {
  const port = await freePort();
  return startListening('redis', 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], port, logDir);
}

/**
 * HAProxy with the repository's own deploy/haproxy.cfg, changed only where the machine differs from compose:
 * the address it binds, the instances it balances (by port, not by DNS name), and a stats page the test reads.
 */
export async function startHaproxy(instancePorts: number[], logDir: string): Promise<Started & { statsPort: number }> {
  const [port, statsPort] = [await freePort(), await freePort()];
  const shipped = readFileSync(new URL('../../deploy/haproxy.cfg', import.meta.url), 'utf8');
  const config = shipped
    .replace(/^resolvers compose\n(?: .*\n)*/m, '')
    .replace(/^ {2}bind :8080$/m, `  bind 127.0.0.1:${port}`)
    .replace(
      /^ {2}server api-1 .*\n {2}server api-2 .*$/m,
      instancePorts.map((instancePort, n) => `  server api-${n + 1} 127.0.0.1:${instancePort}`).join('\n'),
    );
  if (config.includes('resolvers compose') || !config.includes(`127.0.0.1:${instancePorts[0]}`))
    throw new Error('deploy/haproxy.cfg changed shape: update startHaproxy');
  const file = path.join(logDir, 'haproxy.cfg');
  writeFileSync(file, `${config}\nlisten stats\n  bind 127.0.0.1:${statsPort}\n  stats enable\n  stats uri /stats\n  stats refresh 0\n`);
  const started = await startListening('haproxy', 'haproxy', ['-f', file, '-db'], port, logDir);
  return { ...started, statsPort };
}

/** One row per server of HAProxy's `api` backend: retries, redispatches, status. */
export async function haproxyStats(statsPort: number): Promise<{ server: string; status: string; retries: number; redispatches: number }[]> {
  const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header!.replace(/^# /, '').split(',');
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split(','))
    .filter((cells) => cells[at('pxname')] === 'api')
    .map((cells) => ({
      server: cells[at('svname')]!,
      status: cells[at('status')]!,
      retries: Number(cells[at('wretr')] || 0),
      redispatches: Number(cells[at('wredis')] || 0),
    }));
}
