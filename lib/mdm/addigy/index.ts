/** Addigy's API v2 (read-only for tokens: calls 1 and 5), its wire shapes, and how to read a token after a renewal. */
export * from './addigy-client';
export * from './schemas';
