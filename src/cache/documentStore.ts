import type { DocumentNode } from 'graphql';
import { ByText, SYNTAX_TREE_BYTES_PER_CHARACTER, type CacheSize } from './byText.js';

/**
 * Apollo's store of parsed and validated documents, bounded by the bytes the documents hold (Apollo's
 * default bounds an estimate of its own that let thousands of varied queries pile up). Keys are Apollo's
 * hashes of the text; each document is weighed by the length of the text it was parsed from.
 */
const MAX_DOCUMENT_STORE_BYTES = 8 * 2 ** 20;

export class DocumentStore {
  private readonly documents = new ByText<DocumentNode>(
    MAX_DOCUMENT_STORE_BYTES,
    SYNTAX_TREE_BYTES_PER_CHARACTER,
    (key, document) => key.length + (document.loc?.end ?? 0),
  );

  async get(key: string): Promise<DocumentNode | undefined> {
    return this.documents.get(key);
  }

  async set(key: string, document: DocumentNode): Promise<void> {
    this.documents.set(key, document);
  }

  async delete(key: string): Promise<boolean> {
    return this.documents.delete(key);
  }

  get size(): CacheSize {
    return this.documents.size;
  }
}
