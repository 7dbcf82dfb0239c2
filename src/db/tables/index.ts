export * from './places.js';
export * from './sources.js';
export * from './facilities.js';
export * from './programs.js';
export * from './statistics.js';
export * from './dataset.js';
export * from './apiKeys.js';
export * from './organizationLinks.js';
