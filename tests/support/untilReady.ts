import type { ChildProcess } from 'node:child_process';

/**
 * Waits until a server started as `child` answers GET /readyz with 200; throws when it exits first or is not
 * ready within `timeoutMs`.
 */
export async function untilReady(baseUrl: string, child: ChildProcess, what: string, timeoutMs = 120_000, intervalMs = 50): Promise<void> {
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (performance.now() - started > timeoutMs) throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
