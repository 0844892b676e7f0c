/** Addigy's API v2: the client (calls 1–5), its wire shapes, and how to read a token after a renewal. */
export * from './addigy-client';
export * from './schemas';
