import type { DataVersionWatcher } from '../../cache/dataVersion.js';
import type { Database } from '../../db/connection.js';
import { loadCatalogFacts, type CatalogFacts } from './catalogFacts.js';

/** The catalog's facts, read once per data version: a write bumps the version and the next request reads them again. */
export class CatalogFactsCache {
  private cached: { version: number; facts: Promise<CatalogFacts> } | undefined;

  constructor(
    private readonly db: Database,
    private readonly dataVersion: DataVersionWatcher,
  ) {}

  get(): Promise<CatalogFacts> {
    const version = this.dataVersion.current;
    // Until the version is known nothing is kept, as with the response cache.
    if (version === undefined) return loadCatalogFacts(this.db);
    if (this.cached?.version !== version) {
      const facts = loadCatalogFacts(this.db);
      this.cached = { version, facts };
      // A failed read is not kept: the next request tries again.
      facts.catch(() => {
        if (this.cached?.facts === facts) this.cached = undefined;
      });
    }
    return this.cached.facts;
  }
}
