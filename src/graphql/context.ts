import type DataLoader from 'dataloader';
import type { Database } from '../db/connection.js';
import { Language } from './language.js';

/** The request's DataLoaders, made on first use: a request pays only for the loaders it needs. */
export class LoaderCache {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(shape: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(shape);
    if (!loader) this.loaders.set(shape, (loader = make() as DataLoader<unknown, unknown>));
    return loader as DataLoader<K, V>;
  }
}

/**
 * Everything a resolver may use for one request. Identity (for writes and rate limits) will live here too,
 * so no resolver reaches for process-wide state.
 */
export interface Context {
  db: Database;
  /** The language text fields use when a field has no `lang` argument. */
  language: Language;
  loaders: LoaderCache;
  requestId: string;
}

export function createContext(db: Database, language: Language = Language.ZH, requestId = ''): Context {
  return { db, language, loaders: new LoaderCache(), requestId };
}
