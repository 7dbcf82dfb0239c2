import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphQLClient } from './client.js';
import { CursorRefused, followFeed } from './follow.js';
import type { Mirror } from './mirror.js';
import type { SyncHooks, SyncReport } from './progress.js';
import { syncInFull } from './snapshot.js';

export interface SyncOptions {
  /** Make the mirror again from the lists, whatever it holds. */
  full?: boolean;
  hooks?: SyncHooks;
}

/** The mirror was made from another server: its cursor means nothing here. */
export class MirrorOfAnotherServer extends Error {
  constructor(mirrored: string, asked: string) {
    super(`This mirror is of ${mirrored}, not ${asked}: use another directory, or --full to replace it.`);
  }
}

/** One sync: in full the first time (or when asked), else the changes since the mirror's cursor. */
export async function syncOnce(client: GraphQLClient, mirror: Mirror, options: SyncOptions = {}): Promise<SyncReport> {
  const state = await mirror.state();
  if (!state || options.full) return syncInFull(client, mirror, options.hooks);
  // A cursor is one server's: following another from it would skip or repeat changes.
  if (state.serverUrl !== client.url) throw new MirrorOfAnotherServer(state.serverUrl, client.url);
  return followFeed(client, mirror, state, options.hooks);
}

export interface FollowOptions extends SyncOptions {
  intervalMs: number;
  /** Stops following (after the sync under way, if any). */
  signal: AbortSignal;
  onReport(report: SyncReport): void;
  /** A failed sync is retried after the interval; a refused cursor or another server's mirror is not (they stop the loop). */
  onError(error: unknown): void;
}

/** Syncs, then keeps up from the feed every interval until the signal stops it. */
export async function follow(client: GraphQLClient, mirror: Mirror, options: FollowOptions): Promise<void> {
  let full = options.full;
  while (!options.signal.aborted) {
    try {
      options.onReport(await syncOnce(client, mirror, { full, hooks: options.hooks }));
      full = false;
    } catch (error) {
      if (error instanceof CursorRefused || error instanceof MirrorOfAnotherServer) throw error;
      options.onError(error);
    }
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
