import { createHash } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { idempotentAnswers } from '../db/tables/index.js';
import { HttpError } from './httpErrors.js';

/** How long a first answer is kept for its retries: at least a day, as clients retry across outages. */
const KEPT_MS = 24 * 60 * 60 * 1000;
// Expired answers are swept at most this often, by whichever request comes.
const SWEEP_EVERY_MS = 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The answer stored for a key, as it was sent. */
export interface StoredAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** What to do with a mutation that carries an Idempotency-Key. */
export type Claim = { kind: 'first'; settle(answer: StoredAnswer | undefined): Promise<void> } | { kind: 'replay'; answer: StoredAnswer };

/**
 * The `Idempotency-Key` header on mutations (IETF draft "The Idempotency-Key HTTP Header Field"): the first
 * request with a key runs and its answer is kept; a retry with the same key and the same request gets that
 * answer again and writes nothing. The same key with another request is 422; while the first still runs, 409.
 * Kept in PostgreSQL (table idempotent_answers), so every instance behind a balancer sees the same keys.
 */
export class IdempotentRequests {
  private lastSweep = 0;

  constructor(private readonly db: Database) {}

  /** Claims the key for this caller and request, or finds the answer a first request with it got. */
  async claim(caller: string, key: string, request: { query: string; operationName?: string; variables?: unknown }): Promise<Claim> {
    if (!KEY_PATTERN.test(key)) {
      throw new HttpError(400, 'The Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID is a good choice).', { code: 'BAD_REQUEST' });
    }
    await this.sweep();
    const requestHash = createHash('sha256')
      .update(JSON.stringify([request.query, request.operationName ?? null, request.variables ?? null]))
      .digest('base64url');
    const [claimed] = await this.db.drizzle
      .insert(idempotentAnswers)
      .values({ caller, key, requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotentAnswers.key });
    if (claimed) return { kind: 'first', settle: (answer) => this.settle(caller, key, answer) };

    const [stored] = await this.db.drizzle
      .select()
      .from(idempotentAnswers)
      .where(and(eq(idempotentAnswers.caller, caller), eq(idempotentAnswers.key, key)));
    if (!stored) return this.claim(caller, key, request); // swept between the two statements
    if (stored.requestHash !== requestHash) {
      throw new HttpError(422, 'This Idempotency-Key was used for another request: a retry must send the same request; a new request needs a new key.', {
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    if (stored.status === null) {
      throw new HttpError(
        409,
        'The first request with this Idempotency-Key is still running; retry in a moment to get its answer.',
        { code: 'IDEMPOTENCY_KEY_IN_USE' },
        [['retry-after', '1']],
      );
    }
    return { kind: 'replay', answer: { status: stored.status, contentType: stored.contentType ?? 'application/json', body: stored.body ?? '' } };
  }

  /** Keeps the first answer; a request that got none (it failed before answering) gives its key back for a retry. */
  private async settle(caller: string, key: string, answer: StoredAnswer | undefined): Promise<void> {
    const mine = and(eq(idempotentAnswers.caller, caller), eq(idempotentAnswers.key, key));
    if (!answer) await this.db.drizzle.delete(idempotentAnswers).where(mine);
    else await this.db.drizzle.update(idempotentAnswers).set(answer).where(mine);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.db.drizzle.delete(idempotentAnswers).where(lt(idempotentAnswers.createdAt, sql`now() - ${`${KEPT_MS} milliseconds`}::interval`));
  }
}
