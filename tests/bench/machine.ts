/**
 * The machine the numbers come from, and how busy it is with other work. On a 2-core box a test suite
 * running beside the benchmark halves every number, so each run waits for a quiet machine (bounded) and
 * records the CPU share that others were using just before it started.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
}

export function describeMachine(): Machine {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3]! + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Percent of all cores busy over the next second (the servers under test are idle at this point). */
export async function busyPercent(): Promise<number> {
  const before = cpuTicks();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = cpuTicks();
  return Math.round((100 * (after.busy - before.busy)) / Math.max(1, after.total - before.total));
}

/** Waits until other processes use under `threshold`% of the CPU, for at most `maxSeconds`; returns the last reading. */
export async function waitForQuietMachine(threshold: number, maxSeconds: number): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = await busyPercent();
  while (busy >= threshold && Date.now() < deadline) busy = await busyPercent();
  return busy;
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function processCpuMs(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time used so far by each PostgreSQL process on this machine (the servers' backends among them), in ms. */
function postgresCpuMs(): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') used.set(Number(pid), processCpuMs(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return used;
}

export interface CpuReading {
  serverMs: number;
  postgresMs: Map<number, number>;
}

/** CPU used so far by a server's process and by PostgreSQL's processes. */
export function readCpu(serverPid: number): CpuReading {
  return { serverMs: processCpuMs(serverPid), postgresMs: postgresCpuMs() };
}

/**
 * CPU ms used between two readings. PostgreSQL's share sums the processes alive at the second reading
 * (one that started meanwhile counts from zero); a backend that exited meanwhile drops out rather than
 * making the sum negative.
 */
export function cpuBetween(before: CpuReading, after: CpuReading): { serverMs: number; postgresMs: number } {
  let postgresMs = 0;
  for (const [pid, ms] of after.postgresMs) postgresMs += ms - (before.postgresMs.get(pid) ?? 0);
  return { serverMs: after.serverMs - before.serverMs, postgresMs };
}
