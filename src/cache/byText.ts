/**
 * Values kept per text a client sent (a document's syntax tree or compiled query, an Accept header's
 * content type), oldest out first. The bound is on the bytes they hold, estimated from the text's length:
 * what is kept for a text grows with it (a syntax tree is some ninety bytes a character of query, a
 * compiled query a few hundred), so a thousand large texts must not hold a thousand times that.
 */
/** What a parsed document (graphql-js 16) holds per character of its text, the text included: measured on this API's queries. */
export const SYNTAX_TREE_BYTES_PER_CHARACTER = 92;

export interface CacheSize {
  entries: number;
  /** Estimated bytes held. */
  bytes: number;
  maxBytes: number;
}

export class ByText<Value> {
  private readonly values = new Map<string, { value: Value; cost: number }>();
  private bytes = 0;

  /**
   * `bytesPerCharacter`: what one character of text costs, the text itself (two bytes) included.
   * `lengthOf`: the characters an entry stands for, where the key is not the text (a hash of it).
   */
  constructor(
    private readonly maxBytes: number,
    private readonly bytesPerCharacter = 2,
    private readonly lengthOf: (key: string, value: Value) => number = (key) => key.length,
  ) {}

  get(text: string): Value | undefined {
    return this.values.get(text)?.value;
  }

  set(text: string, value: Value): void {
    const cost = this.lengthOf(text, value) * this.bytesPerCharacter;
    if (cost > this.maxBytes) return; // one text past the whole bound is not kept at all
    this.delete(text);
    this.values.set(text, { value, cost });
    this.bytes += cost;
    for (const [oldest, entry] of this.values) {
      if (this.bytes <= this.maxBytes) break;
      this.values.delete(oldest);
      this.bytes -= entry.cost;
    }
  }

  delete(text: string): boolean {
    const entry = this.values.get(text);
    if (!entry) return false;
    this.values.delete(text);
    this.bytes -= entry.cost;
    return true;
  }

  get size(): CacheSize {
    return { entries: this.values.size, bytes: this.bytes, maxBytes: this.maxBytes };
  }
}
