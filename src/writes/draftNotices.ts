import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';

/** The channel a proposal or decision of drafts is announced on when its transaction commits (drizzle/0025). */
export const DRAFT_CHANNEL = 'minsheng_drafts';

/** Draft ids a live stream may have waiting to be read: one that falls further behind is ended. */
export const MAX_WAITING_DRAFTS = 10_000;

/** A live drafts stream that fell further behind than MAX_WAITING_DRAFTS: its client lists the drafts and follows again. */
export class DraftStreamBehind extends Error {
  constructor() {
    super(`This stream fell more than ${MAX_WAITING_DRAFTS} drafts behind and was ended: list them with \`drafts\`, then subscribe again.`);
  }
}

interface Follower {
  ids: number[];
  behind: boolean;
  wake: (() => void) | undefined;
}

/**
 * The ids of drafts proposed, published or rejected on any instance, as their transactions commit (PostgreSQL
 * LISTEN/NOTIFY: nothing in this process's memory decides what another instance sees). Each live stream
 * follows them and reads the drafts its caller may see (draftStore.ts decides who may).
 */
export class DraftNotices {
  private readonly followers = new Set<Follower>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  /** Whether drafts are announced here: not behind a pooler in transaction mode, where no session can LISTEN. */
  get listening(): boolean {
    return this.unlisten !== undefined;
  }

  async start(): Promise<void> {
    try {
      this.unlisten = await this.db.listen?.(DRAFT_CHANNEL, (payload) => this.announce(payload));
    } catch (error) {
      this.logger.warn('cannot listen for drafts; live drafts streams are refused', { error: (error as Error).message });
    }
  }

  async stop(): Promise<void> {
    for (const follower of this.followers) follower.wake?.();
    this.followers.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = undefined;
  }

  /**
   * The ids announced from now on, in batches, until `signal` aborts. Following starts at this call, not at the
   * first read, so that a stream whose response has begun misses nothing committed after.
   */
  follow(signal: AbortSignal): AsyncIterable<number[]> {
    const follower: Follower = { ids: [], behind: false, wake: undefined };
    const followers = this.followers;
    followers.add(follower);
    // A stream that ends before it is read is forgotten too.
    const stop = () => {
      followers.delete(follower);
      follower.wake?.();
    };
    signal.addEventListener('abort', stop, { once: true });
    return (async function* () {
      try {
        while (!signal.aborted) {
          if (follower.behind) throw new DraftStreamBehind();
          if (follower.ids.length > 0) {
            const ids = follower.ids;
            follower.ids = [];
            yield ids;
            continue;
          }
          await new Promise<void>((resolve) => (follower.wake = resolve));
          follower.wake = undefined;
        }
      } finally {
        followers.delete(follower);
        signal.removeEventListener('abort', stop);
      }
    })();
  }

  private announce(payload: string): void {
    const ids = payload
      .split(',')
      .map(Number)
      .filter((id) => Number.isSafeInteger(id) && id > 0);
    for (const follower of this.followers) {
      if (follower.ids.length + ids.length > MAX_WAITING_DRAFTS) follower.behind = true;
      else follower.ids.push(...ids);
      follower.wake?.();
    }
  }
}
