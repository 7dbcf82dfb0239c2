/**
 * What stops a request's running statements (its time is up). An AbortSignal would do, but making one
 * costs more CPU than a small query's other per-request work (an EventTarget, registered with the GC);
 * this is a flag and the listeners of the statements running now.
 */
export class Cancellation {
  private listeners: Set<() => void> | undefined;
  private cancelled = false;

  get requested(): boolean {
    return this.cancelled;
  }

  /** Calls each listener once; a listener added later is called at once. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }

  /** `listener` is called when cancelled (now, if already); the function returned removes it. */
  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => {};
    }
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }
}
