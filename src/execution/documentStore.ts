import type { DocumentNode } from 'graphql';

/**
 * Apollo's document store, used to hand Apollo the document this module has already parsed and validated
 * (Apollo skips both for a document its store holds). It keeps nothing of its own: a document is held
 * only while a request that prepared it runs, so parsed documents live in one cache (execution.ts).
 * Apollo asks by `<schema hash>:<SHA-256 of the text>`; documents are held by the SHA-256 alone.
 */
export class DocumentHandoff {
  private readonly held = new Map<string, { document: DocumentNode; holders: number }>();

  /** Holds the document for Apollo until `release`. */
  hold(hash: string, document: DocumentNode): { release(): void } {
    const entry = this.held.get(hash);
    if (entry) entry.holders += 1;
    else this.held.set(hash, { document, holders: 1 });
    return {
      release: () => {
        const current = this.held.get(hash);
        if (current && --current.holders === 0) this.held.delete(hash);
      },
    };
  }

  async get(key: string): Promise<DocumentNode | undefined> {
    return this.held.get(key.slice(key.lastIndexOf(':') + 1))?.document;
  }

  /** Apollo stores what it parsed itself: nothing is kept, the parse cache is this module's. */
  async set(): Promise<void> {}

  async delete(): Promise<boolean> {
    return false;
  }

  /** How many documents are held right now (at most one per request in flight). */
  get size(): number {
    return this.held.size;
  }
}
