import { createHash } from 'node:crypto';

/**
 * Whole responses of anonymous-safe reads, in memory, least recently used first out, bounded in bytes.
 * The key is everything that shapes a response: the query text, operation name, variables, language and
 * response media type. The cost is kept with the response, so a hit is charged to the rate limit without
 * parsing the document again.
 */
export interface CachedResponse {
  body: string;
  contentType: string;
  /** A CSV answer's file name, sent again with it. */
  contentDisposition?: string;
  cost: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  static keyOf(parts: {
    query: string;
    operationName?: string | null;
    variables?: unknown;
    language: string;
    mediaType: string;
    baseUrl?: string;
    day?: string;
  }): string {
    return createHash('sha256')
      .update(
        JSON.stringify([
          parts.query,
          parts.operationName ?? null,
          parts.variables ?? null,
          parts.language,
          parts.mediaType,
          parts.baseUrl ?? null,
          parts.day ?? null,
        ]),
      )
      .digest('base64url');
  }

  /** Lookups that found an answer, and those that did not (exposed by /metrics). */
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Most recently used goes to the end of the Map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    const size = sizeOf(key, entry);
    if (size > this.maxBytes / 4) return; // one huge answer must not flush everything else
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(oldest, old);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= sizeOf(key, old);
    }
  }
}

/** Bytes held for an entry: UTF-16 strings take two bytes a character, plus a little bookkeeping. */
function sizeOf(key: string, entry: CachedResponse): number {
  return 2 * (key.length + entry.body.length + entry.contentType.length + (entry.contentDisposition?.length ?? 0)) + 64;
}

/** A strong ETag that changes when the data does: the data version and the request's cache key. */
export function etagOf(version: number, key: string): string {
  return `"v${version}-${key.slice(0, 22)}"`;
}
