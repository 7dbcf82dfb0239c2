/**
 * The machine the numbers come from, and how busy it is with other work. On a 2-core box a test suite
 * running beside the benchmark halves every number, so each run waits for a quiet machine (bounded) and
 * records the CPU share that others were using just before it started.
 */
import { readFileSync } from 'node:fs';
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
