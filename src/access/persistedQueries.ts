import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ByText, type CacheSize } from '../cache/byText.js';

/**
 * Automatic persisted queries (Apollo's APQ protocol) and the optional allow-list. A client may send a
 * query's SHA-256 instead of its text, which makes a GET short enough to cache; the server remembers texts
 * it has seen. In allow-list mode only the operations of a manifest run, whoever sends them.
 */
export class PersistedQueryError extends Error {
  constructor(
    message: string,
    readonly code: 'PERSISTED_QUERY_NOT_FOUND' | 'BAD_REQUEST' | 'OPERATION_NOT_ALLOWED',
    readonly status: number,
  ) {
    super(message);
  }
}

/** Where query texts are remembered by hash. */
export interface QueryTextStore {
  get(hash: string): Promise<string | undefined>;
  set(hash: string, query: string): Promise<void>;
}

/** Recently used texts of this process, bounded in bytes: a client cannot fill the memory with registrations. */
export class MemoryQueryTextStore implements QueryTextStore {
  private readonly texts: ByText<string>;
  constructor(maxBytes = 8 * 2 ** 20) {
    this.texts = new ByText<string>(maxBytes, 2, (hash, text) => hash.length + text.length);
  }

  async get(hash: string) {
    const text = this.texts.get(hash);
    if (text !== undefined) this.texts.set(hash, text); // keep the most recently used last
    return text;
  }

  async set(hash: string, query: string) {
    this.texts.set(hash, query);
  }

  get size(): CacheSize {
    return this.texts.size;
  }
}

/** Texts in Redis, shared by every instance; they expire a week after they were last registered. */
export class RedisQueryTextStore implements QueryTextStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(hash: string) {
    return (await this.redis.get(`${this.prefix}apq:${hash}`).catch(() => null)) ?? undefined;
  }

  async set(hash: string, query: string) {
    await this.redis.set(`${this.prefix}apq:${hash}`, query, 'EX', 7 * 24 * 3600).catch(() => {});
  }
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The operation text to run, and the hash to remember it under once it has passed the limits. */
export interface ResolvedOperation {
  query: string | undefined;
  register?: () => Promise<void>;
}

export class PersistedQueries {
  constructor(
    private readonly store: QueryTextStore,
    private readonly allowlist?: Map<string, string>,
  ) {}

  get allowlistMode(): boolean {
    return this.allowlist !== undefined;
  }

  async resolve(query: string | undefined, extensions: Record<string, unknown> | undefined): Promise<ResolvedOperation> {
    const persisted = extensions?.persistedQuery;
    let hash: string | undefined;
    if (persisted !== undefined) {
      const { version, sha256Hash } = (persisted ?? {}) as { version?: unknown; sha256Hash?: unknown };
      if (version !== 1) throw new PersistedQueryError('Unsupported persisted query version: send `extensions.persistedQuery.version: 1`.', 'BAD_REQUEST', 400);
      if (typeof sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(sha256Hash)) {
        throw new PersistedQueryError('`extensions.persistedQuery.sha256Hash` must be the SHA-256 of the query, 64 lowercase hex digits.', 'BAD_REQUEST', 400);
      }
      hash = sha256Hash;
      if (query !== undefined && sha256Hex(query) !== hash) throw new PersistedQueryError('provided sha does not match query', 'BAD_REQUEST', 400);
    }
    if (this.allowlist) return { query: this.allowed(query, hash) };
    if (hash === undefined) return { query };
    if (query !== undefined) return { query, register: () => this.store.set(hash, query) };
    const stored = await this.store.get(hash);
    // The exact message is the APQ protocol: clients answer it by sending the query with its hash.
    if (stored === undefined) throw new PersistedQueryError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', 200);
    return { query: stored };
  }

  private allowed(query: string | undefined, hash: string | undefined): string {
    const text = this.allowlist!.get(hash ?? (query === undefined ? '' : sha256Hex(query)));
    if (text === undefined) {
      throw new PersistedQueryError(
        'This server runs only the operations registered in its allow-list, and this is not one of them. Send a registered operation (its text or `extensions.persistedQuery.sha256Hash`).',
        'OPERATION_NOT_ALLOWED',
        403,
      );
    }
    return text;
  }
}

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string().min(1), name: z.string().optional(), type: z.string().optional(), body: z.string().min(1) })),
});

/** Reads an allow-list in Apollo's persisted query manifest format; operations are found by id and by the hash of their text. */
export function readAllowlist(file: string): Map<string, string> {
  let manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(`PERSISTED_QUERIES_ALLOWLIST=${file}: not a readable apollo-persisted-query-manifest (version 1): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const operations = new Map<string, string>();
  for (const { id, body } of manifest.operations) {
    operations.set(id, body);
    operations.set(sha256Hex(body), body);
  }
  return operations;
}
