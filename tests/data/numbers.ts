/** The number reading of the seed loader (src/db/seed/numbers.ts): the data tests and `db:seed` share one implementation. */
export * from '../../src/db/seed/numbers.js';
