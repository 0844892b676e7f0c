/** Fleet's REST API for Apple Apps and Books tokens (Fleet Premium): list and renew, and its wire shapes. */
export * from './fleet-adapter';
export * from './schemas';
