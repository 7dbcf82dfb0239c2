import type { DownloadSlotLimits } from '../../config.js';

/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant(): void;
}

/**
 * The download slots of one server. A slot is held until the download's database work has ended, which
 * for an abandoned download includes cancelling its statement: a short while after the client left. So a
 * download that finds every slot taken waits its turn for a bounded time (a client that abandons and
 * retries at once is served), and only a queue that is full, or a wait that runs out, is refused.
 */
export class DownloadSlots {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limits: DownloadSlotLimits) {}

  /** A slot, once one is free; undefined when none frees in time, the queue is full, or `clientGone` fires first. */
  take(clientGone: AbortSignal): Promise<ReleaseSlot | undefined> {
    if (clientGone.aborted) return Promise.resolve(undefined);
    if (this.running < this.limits.concurrent && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limits.queued) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const leave = () => {
        clearTimeout(timer);
        clientGone.removeEventListener('abort', giveUp);
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
      };
      const giveUp = () => {
        leave();
        resolve(undefined);
      };
      // The slot passes straight from the download that ends to this one: `running` does not change.
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(giveUp, this.limits.waitMs);
      clientGone.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting[0];
      if (next) next.grant();
      else this.running -= 1;
    };
  }
}
